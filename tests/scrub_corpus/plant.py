"""Plant real-shaped fake secrets into a cassette, textually, keeping it valid.

Used by tests/scrub_corpus/plant_and_scrub.py (the whole corpus) and
tests/replay/run_replay.py (replay by the recorders). Standard library only.

The planted copy must differ from the original only where a secret went in
(and in the lengths that describe a changed body), so that a line diff of the
planted and the scrubbed copy shows exactly what `cassette scrub` touched.
Hence no parse-and-redump: every plant is an edit of the file's own text, in
the style the file already uses (its header layout, its quoting, its base64
line width).

Per interaction, where the file allows it:
  header    request `Authorization: Bearer sk-proj-<48>` (added, or the
            existing value replaced)
  query     `key=AIza<35>` appended to the request URL
  json      `"api_key":"sk-ant-api03-<93>AA"` as the first member of a JSON
            object request body
  response  `"note":"ghp_<36>"` as the first member of a JSON object response
            body, or of the first JSON `data:` of an SSE body; inside gzip,
            base64 (!!binary, base64_string, HAR base64) and AWS event-stream
            bodies the body is decoded, planted and encoded again
Content-Length (and go-vcr content_length, HAR bodySize/size, httprr record
lengths) follow the body they describe.
"""
import base64
import binascii
import gzip
import json
import random
import re
import string
import struct
import zlib

ALNUM = string.ascii_letters + string.digits


class Secrets:
    """Fresh fake secrets, reproducible per file (seeded by its name)."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.planted = []  # (kind, secret, where)

    def _token(self, n):
        # The key shapes want a digit somewhere (random keys always have one).
        s = [self.rng.choice(ALNUM) for _ in range(n)]
        s[self.rng.randrange(n)] = self.rng.choice(string.digits)
        return "".join(s)

    def make(self, kind, where):
        s = {
            "header": lambda: "sk-proj-" + self._token(48),
            "query": lambda: "AIza" + self._token(35),
            "json": lambda: "sk-ant-api03-" + self._token(93) + "AA",
            "response": lambda: "ghp_" + self._token(36),
        }[kind]()
        self.planted.append((kind, s, where))
        return s


# ---------------------------------------------------------------- body bytes

def _gzip(data, original):
    """gzip `data` as a recorder's server would; the header's mtime is copied
    from the original stream so only the compressed bytes differ."""
    mtime = struct.unpack("<I", original[4:8])[0] if len(original) >= 8 else 0
    return gzip.compress(data, compresslevel=6, mtime=mtime)


def _gunzip_all(data):
    out = b""
    while data:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out += d.decompress(data)
        if not d.eof:
            raise ValueError("truncated gzip stream")
        data = d.unused_data
    return out


def _insert_member(text, key, value):
    """Text of a JSON object with `"key":"value"` as its first member, or
    None when `text` is not a JSON object."""
    i = 0
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    if i >= len(text) or text[i] != "{":
        return None
    j = i + 1
    while j < len(text) and text[j] in " \t\r\n":
        j += 1
    member = f'"{key}":"{value}"'
    if j < len(text) and text[j] != "}":
        member += ","
    return text[: i + 1] + member + text[i + 1:]


def _plant_sse(text, key, value):
    """Plant into the first `data:` line carrying a JSON object."""
    m = re.search(r"(?m)^data: ?\{", text)
    if not m:
        return None
    brace = m.end() - 1
    planted = _insert_member(text[brace:], key, value)
    return text[:brace] + planted


EVENTSTREAM_MIN = 16


def _is_eventstream(b):
    if len(b) < EVENTSTREAM_MIN:
        return False
    total, hlen = struct.unpack(">II", b[:8])
    return total <= len(b) and struct.unpack(">I", b[8:12])[0] == zlib.crc32(b[:8]) and hlen < total


def _plant_eventstream(b, key, value):
    """AWS event stream: plant into the first frame whose payload is a JSON
    object; that frame gets new lengths and both CRCs."""
    out, pos, done = b"", 0, False
    while pos + 12 <= len(b):
        total, hlen = struct.unpack(">II", b[pos:pos + 8])
        frame = b[pos:pos + total]
        if len(frame) != total:
            return None
        headers = frame[12:12 + hlen]
        payload = frame[12 + hlen:total - 4]
        if not done:
            try:
                planted = _insert_member(payload.decode("utf-8"), key, value)
            except UnicodeDecodeError:
                planted = None
            if planted is not None:
                payload = planted.encode("utf-8")
                new_total = 12 + hlen + len(payload) + 4
                prelude = struct.pack(">II", new_total, hlen)
                prelude += struct.pack(">I", zlib.crc32(prelude))
                body = prelude + headers + payload
                frame = body + struct.pack(">I", zlib.crc32(body))
                done = True
        out += frame
        pos += total
    return out + b[pos:] if done else None


def plant_body_bytes(data, key, value):
    """Plant into stored body bytes, whatever layers they have (gzip, AWS
    event stream, SSE, JSON text). None when there is no place to plant."""
    if data[:2] == b"\x1f\x8b":
        try:
            inner = _gunzip_all(data)
        except (OSError, ValueError, zlib.error):
            return None
        planted = plant_body_bytes(inner, key, value)
        return None if planted is None else _gzip(planted, data)
    if _is_eventstream(data):
        return _plant_eventstream(data, key, value)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    planted = plant_text(text, key, value)
    return None if planted is None else planted.encode("utf-8")


def plant_text(text, key, value):
    """Plant into a decoded text body: a JSON object or an SSE stream."""
    planted = _insert_member(text, key, value)
    if planted is None:
        planted = _plant_sse(text, key, value)
    return planted


# --------------------------------------------------------------------- YAML
#
# A line-level view of block YAML, enough for the cassette layouts: a key's
# span is its line plus every following line that is blank, more indented
# than the key, or an indentless sequence item ("- ") at the key's column.

KEY_RE = re.compile(r"^(?P<ind> *)(?P<dash>- )?(?P<key>[A-Za-z_][\w.-]*|'[^']*'|\"[^\"]*\"):(?: (?P<rest>.*))?$")


class YamlLines:
    def __init__(self, text):
        self.lines = text.split("\n")
        self.edits = []  # (start, end, [new lines])

    def key_at(self, i):
        m = KEY_RE.match(self.lines[i])
        if not m:
            return None
        col = len(m.group("ind")) + (2 if m.group("dash") else 0)
        key = m.group("key").strip("'\"")
        return key, col, m.group("rest")

    def span_end(self, i, col):
        j = i + 1
        while j < len(self.lines):
            line = self.lines[j]
            ind = len(line) - len(line.lstrip(" "))
            if line.strip() == "" or ind > col or (ind == col and line[ind:].startswith("- ")):
                j += 1
            else:
                break
        # trailing blank lines belong to what follows
        while j > i + 1 and self.lines[j - 1].strip() == "":
            j -= 1
        return j

    def children(self, i):
        """{key: line} of the block mapping under the key at line i."""
        _, col, _ = self.key_at(i)
        end = self.span_end(i, col)
        out, child_col = {}, None
        for j in range(i + 1, end):
            k = self.key_at(j)
            if not k:
                continue
            if child_col is None:
                child_col = k[1]
            if k[1] == child_col and not self.lines[j].lstrip().startswith("- "):
                out.setdefault(k[0], j)
        return out

    def replace(self, start, end, new):
        self.edits.append((start, end, new))

    def text(self):
        lines = list(self.lines)
        for start, end, new in sorted(self.edits, key=lambda e: (e[0], e[1]), reverse=True):
            lines[start:end] = new
        return "\n".join(lines)


def _scalar(y, i):
    """(style, first line, end line) of the scalar value of the key at line i."""
    _, col, rest = y.key_at(i)
    end = y.span_end(i, col)
    rest = (rest or "").strip()
    if rest.startswith("!!binary") or rest.startswith("!binary"):
        return "binary", i, end
    if rest[:1] in ("|", ">"):
        return "block", i, end
    if rest[:1] in ("'", '"'):
        return rest[0], i, end
    if rest in ("", "null", "~"):
        return "empty", i, end
    return "plain", i, end


def _plant_yaml_text_scalar(y, i, key, value):
    """Insert a JSON member into a text scalar (JSON object or SSE) at line i.
    Returns the number of bytes the decoded value grew by, or None."""
    style, first, end = _scalar(y, i)
    if style not in ("'", '"', "block"):
        return None
    lines = y.lines[first:end]
    # the scalar's text as it stands in the file, from the indicator on
    head = y.lines[first]
    colon = head.index(":", len(head) - len(head.lstrip()))
    raw = "\n".join([head[colon + 1:]] + lines[1:])
    member = f'"{key}":"{value}"'
    # where the value's content starts in the raw text
    if style == "block":
        if "\n" not in raw:
            return None
        content = raw.index("\n") + 1
    else:
        content = raw.index(style) + 1
    while content < len(raw) and raw[content] in " \n":
        content += 1
    # the insertion point: the first '{' of a body that is a JSON object,
    # else the '{' of the first JSON `data:` of an SSE stream
    if raw[content:content + 1] == "{":
        m = content
    else:
        sse = re.compile(r"data: ?\{").search(raw, content)
        if not sse:
            return None
        m = sse.end() - 1
    after = raw[m + 1:].lstrip(" \n")
    if not after.startswith("}"):
        member += ","
    grew = len(member.encode("utf-8"))
    if style == '"':
        member = member.replace('"', '\\"')
    new_raw = raw[: m + 1] + member + raw[m + 1:]
    new_lines = (head[: colon + 1] + new_raw).split("\n")
    y.replace(first, end, new_lines)
    return grew


def _plant_yaml_binary(y, i, key, value):
    """Decode a !!binary / !binary / base64 block, plant, encode with the same
    line width and indentation. Returns (old bytes, new bytes) or None."""
    _, col, rest = y.key_at(i)
    end = y.span_end(i, col)
    rest = rest.strip()
    if "|" not in rest and ">" not in rest:
        # one-line: `!!binary "..."` or a plain base64 string on the key line
        m = re.match(r"^(!!?binary\s+)?(['\"]?)([A-Za-z0-9+/=]+)\2$", rest)
        if not m or end != i + 1:
            return None
        old = base64.b64decode(m.group(3))
        new = plant_body_bytes(old, key, value)
        if new is None:
            return None
        head = y.lines[i][: len(y.lines[i]) - len(rest)]
        y.replace(i, i + 1, [head + (m.group(1) or "") + m.group(2)
                             + base64.b64encode(new).decode() + m.group(2)])
        return old, new
    body = y.lines[i + 1:end]
    if not body:
        return None
    indent = body[0][: len(body[0]) - len(body[0].lstrip())]
    try:
        old = base64.b64decode("".join(l.strip() for l in body), validate=True)
    except (binascii.Error, ValueError):
        return None
    new = plant_body_bytes(old, key, value)
    if new is None:
        return None
    width = len(body[0].strip()) or 76
    b64 = base64.b64encode(new).decode()
    new_lines = [indent + b64[k:k + width] for k in range(0, len(b64), width)]
    y.replace(i + 1, end, new_lines)
    return old, new


def _header_block(y, hdr_line):
    """(first child line, entries {lower name: line}, sequence style) of a
    block `headers:` mapping, or None when it is empty or in flow style."""
    _, col, rest = y.key_at(hdr_line)
    if rest and rest.strip():
        return None
    end = y.span_end(hdr_line, col)
    if end <= hdr_line + 1:
        return None
    entries, first = {}, None
    for j in range(hdr_line + 1, end):
        k = y.key_at(j)
        if k and not y.lines[j].lstrip().startswith("- "):
            if first is None:
                first = j
            if k[1] == y.key_at(first)[1]:
                entries.setdefault(k[0].lower(), j)
    return (first, entries) if first is not None else None


def _header_value_line(y, line):
    """(line index, prefix, value) of a header's single value: `Name: v` or
    `Name:` + one `- v` line."""
    _, col, rest = y.key_at(line)
    if rest and rest.strip():
        text = y.lines[line]
        return line, text[: len(text) - len(rest)], rest
    end = y.span_end(line, col)
    if end != line + 2 or not y.lines[line + 1].lstrip().startswith("- "):
        return None
    text = y.lines[line + 1]
    k = text.index("- ") + 2
    return line + 1, text[:k], text[k:]


def _set_header(y, hdr_line, name, value):
    block = _header_block(y, hdr_line)
    if block is None:
        return False
    first, entries = block
    if name.lower() in entries:
        v = _header_value_line(y, entries[name.lower()])
        if v is None:
            return False
        y.replace(v[0], v[0] + 1, [v[1] + value])
        return True
    _, col, rest = y.key_at(first)
    pad = " " * col
    if rest and rest.strip():
        y.replace(first, first, [f"{pad}{name}: {value}"])
    else:
        seq = y.lines[first + 1]
        seq_pad = seq[: len(seq) - len(seq.lstrip())]
        y.replace(first, first, [f"{pad}{name}:", f"{seq_pad}- {value}"])
    return True


def _bump_length(y, line, delta):
    """Add `delta` to a positive length at the key's value (header value
    line or `content_length: N`). A length that is unknown (-1, 0, absent) or
    not a number stays."""
    v = _header_value_line(y, line)
    if v is None:
        return
    idx, prefix, value = v
    m = re.match(r"^(['\"]?)(\d+)\1$", value.strip())
    if not m or int(m.group(2)) <= 0:
        return
    y.replace(idx, idx + 1, [prefix + m.group(1) + str(int(m.group(2)) + delta) + m.group(1)])


def _body_scalar_line(y, side_line):
    """The line of the body's scalar under a request/response: `body: X`
    (go-vcr, VCR.py request) or `body:` + `string:` / `base64_string:` (VCR.py
    response, Ruby VCR)."""
    kids = y.children(side_line)
    if "body" in kids:
        b = kids["body"]
        _, _, rest = y.key_at(b)
        if rest and rest.strip():
            return b
        sub = y.children(b)
        for k in ("string", "base64_string"):
            if k in sub:
                return sub[k]
    if "content" in kids:  # VCR.py's old httpx layout
        return kids["content"]
    return None


def _plant_body(y, line, key, value):
    """Plant into the body scalar at `line`; the stored bytes' growth, or None."""
    style = _scalar(y, line)[0]
    if style == "binary" or y.key_at(line)[0] == "base64_string":
        r = _plant_yaml_binary(y, line, key, value)
        return None if r is None else len(r[1]) - len(r[0])
    return _plant_yaml_text_scalar(y, line, key, value)


def _plant_url(y, line, secret):
    _, _, rest = y.key_at(line)
    if rest is None or y.span_end(line, y.key_at(line)[1]) != line + 1:
        return False  # a URL folded over lines: leave it
    text = y.lines[line]
    value = rest.rstrip()
    quote = value[:1] if value[:1] in "'\"" else ""
    inner = value[1:-1] if quote else value
    if not inner.startswith("http") or "#" in inner:
        return False
    sep = "&" if "?" in inner else "?"
    new_value = f"{quote}{inner}{sep}key={secret}{quote}"
    y.replace(line, line + 1, [text[: len(text) - len(rest)] + new_value])
    return True


def _side_lines(y, name):
    """Lines of every `request:` / `response:` key (their column must be the
    one of the first, so a body line that happens to read `request:` is not
    taken)."""
    out, col = [], None
    for i in range(len(y.lines)):
        k = y.key_at(i)
        if k and k[0] == name and not (k[2] or "").strip():
            if col is None:
                col = k[1]
            if k[1] == col:
                out.append(i)
    return out


def plant_yaml(text, secrets):
    y = YamlLines(text)
    requests, responses = _side_lines(y, "request"), _side_lines(y, "response")
    for n, req in enumerate(requests):
        kids = y.children(req)
        hdr = kids.get("headers")
        if hdr is not None:
            s = secrets.make("header", f"interaction {n} request header Authorization")
            if not _set_header(y, hdr, "Authorization", "Bearer " + s):
                secrets.planted.pop()
        url = kids.get("uri", kids.get("url"))
        if url is not None:
            s = secrets.make("query", f"interaction {n} request URL")
            if not _plant_url(y, url, s):
                secrets.planted.pop()
        body = _body_scalar_line(y, req)
        if body is not None:
            s = secrets.make("json", f"interaction {n} request body")
            grew = _plant_body(y, body, "api_key", s)
            if grew is None:
                secrets.planted.pop()
            else:
                _lengths(y, req, kids, grew)
    for n, resp in enumerate(responses):
        kids = y.children(resp)
        body = _body_scalar_line(y, resp)
        if body is not None:
            s = secrets.make("response", f"interaction {n} response body")
            grew = _plant_body(y, body, "note", s)
            if grew is None:
                secrets.planted.pop()
            else:
                _lengths(y, resp, kids, grew)
    return y.text()


def _lengths(y, side, kids, grew):
    if "content_length" in kids:
        _bump_length(y, kids["content_length"], grew)
    hdr = kids.get("headers")
    if hdr is not None:
        block = _header_block(y, hdr)
        if block and "content-length" in block[1]:
            _bump_length(y, block[1]["content-length"], grew)


# ------------------------------------------------------------ JSON formats
#
# HAR, nock and JSON-serialized VCR files: the edits are made on the JSON
# text at the byte offsets of the values, found with a small scanner, so the
# file's own indentation and key order stay.

class JsonSpans:
    """Parse JSON keeping each value's [start, end) offsets in the text."""

    def __init__(self, text):
        self.text = text
        self.edits = []

    def parse(self):
        self.i = 0
        v = self._value()
        return v

    def _ws(self):
        t = self.text
        while self.i < len(t) and t[self.i] in " \t\r\n":
            self.i += 1

    def _value(self):
        self._ws()
        t, start = self.text, self.i
        c = t[self.i]
        if c == "{":
            self.i += 1
            members = []
            self._ws()
            if t[self.i] == "}":
                self.i += 1
                return ("object", members, start, self.i)
            while True:
                k = self._value()
                self._ws()
                self.i += 1  # ':'
                v = self._value()
                members.append((k[1], v))
                self._ws()
                if t[self.i] == ",":
                    self.i += 1
                    continue
                self.i += 1  # '}'
                return ("object", members, start, self.i)
        if c == "[":
            self.i += 1
            items = []
            self._ws()
            if t[self.i] == "]":
                self.i += 1
                return ("array", items, start, self.i)
            while True:
                items.append(self._value())
                self._ws()
                if t[self.i] == ",":
                    self.i += 1
                    continue
                self.i += 1
                return ("array", items, start, self.i)
        if c == '"':
            value, end = json.decoder.scanstring(t, self.i + 1)
            self.i = end
            return ("string", value, start, end)
        m = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null").match(t, self.i)
        self.i = m.end()
        return ("literal", json.loads(m.group(0)), start, self.i)

    def replace(self, start, end, new):
        self.edits.append((start, end, new))

    def result(self):
        out = self.text
        for start, end, new in sorted(self.edits, key=lambda e: (e[0], e[1]), reverse=True):
            out = out[:start] + new + out[end:]
        return out


def _get(node, key):
    if node is None or node[0] != "object":
        return None
    for k, v in node[1]:
        if k == key:
            return v
    return None


def _iget(node, key):
    if node is None or node[0] != "object":
        return None
    for k, v in node[1]:
        if k.lower() == key.lower():
            return v
    return None


def _json_str(s):
    return json.dumps(s, ensure_ascii=False)


def _plant_json_string_body(js, node, key, value, base64_encoded=False):
    """Plant into a JSON string value that holds a body; the stored bytes'
    growth, or None."""
    if node is None or node[0] != "string":
        return None
    if base64_encoded:
        try:
            old = base64.b64decode(node[1], validate=True)
        except (binascii.Error, ValueError):
            return None
        new = plant_body_bytes(old, key, value)
        if new is None:
            return None
        js.replace(node[2], node[3], _json_str(base64.b64encode(new).decode()))
        return len(new) - len(old)
    planted = plant_text(node[1], key, value)
    if planted is None:
        return None
    js.replace(node[2], node[3], _json_str(planted))
    return len(planted.encode()) - len(node[1].encode())


def _insert_json_member(js, obj, key, value_json):
    """Add `"key": value` as the first member of a JSON object node."""
    t = js.text
    pos = obj[2] + 1
    nxt = t[pos:obj[3] - 1].strip()
    # copy the file's layout: newline + indentation of the first member
    m = re.match(r"[ \t]*\r?\n([ \t]*)", t[pos:])
    sep = ("\n" + m.group(1)) if m and nxt else ""
    js.replace(pos, pos, f"{sep}{_json_str(key)}: {value_json}{',' if nxt else ''}")


def _insert_json_array_item(js, arr, item_json):
    t = js.text
    pos = arr[2] + 1
    nxt = t[pos:arr[3] - 1].strip()
    m = re.match(r"[ \t]*\r?\n([ \t]*)", t[pos:])
    sep = ("\n" + m.group(1)) if m and nxt else ""
    js.replace(pos, pos, f"{sep}{item_json}{',' if nxt else ''}")


def _set_number(js, node, delta):
    if node is not None and node[0] == "literal" and isinstance(node[1], int) and node[1] > 0:
        js.replace(node[2], node[3], str(node[1] + delta))


def _plant_url_string(js, node, secret):
    if node is None or node[0] != "string" or "#" in node[1]:
        return False
    sep = "&" if "?" in node[1] else "?"
    js.replace(node[2], node[3], _json_str(f"{node[1]}{sep}key={secret}"))
    return True


def plant_har(text, secrets):
    js = JsonSpans(text)
    root = js.parse()
    entries = _get(_get(root, "log"), "entries")
    for n, entry in enumerate(entries[1] if entries else []):
        req, resp = _get(entry, "request"), _get(entry, "response")
        if req is not None:
            hdrs = _get(req, "headers")
            if hdrs is not None and hdrs[0] == "array":
                s = secrets.make("header", f"entry {n} request header Authorization")
                existing = [h for h in hdrs[1] if (_get(h, "name") or ("", ""))[1].lower() == "authorization"]
                if existing:
                    v = _get(existing[0], "value")
                    js.replace(v[2], v[3], _json_str("Bearer " + s))
                else:
                    _insert_json_array_item(js, hdrs, json.dumps({"name": "Authorization", "value": "Bearer " + s}))
            s = secrets.make("query", f"entry {n} request URL")
            if _plant_url_string(js, _get(req, "url"), s):
                qs = _get(req, "queryString")
                if qs is not None and qs[0] == "array":
                    # HAR repeats the query as a list; keep the two in step
                    _insert_json_array_item(js, qs, json.dumps({"name": "key", "value": s}))
            else:
                secrets.planted.pop()
            post = _get(req, "postData")
            if post is not None:
                s = secrets.make("json", f"entry {n} request body")
                grew = _plant_json_string_body(js, _get(post, "text"), "api_key", s)
                if grew is None:
                    secrets.planted.pop()
                else:
                    _set_number(js, _get(req, "bodySize"), grew)
                    _har_content_length(js, req, grew)
        if resp is not None:
            content = _get(resp, "content")
            if content is not None:
                enc = _get(content, "encoding")
                b64 = enc is not None and enc[0] == "string" and enc[1] == "base64"
                textnode = _get(content, "text")
                if b64 and textnode is not None and textnode[0] == "string" and textnode[1].startswith("["):
                    continue  # Polly's JSON array of base64 chunks: left alone
                s = secrets.make("response", f"entry {n} response body")
                grew = _plant_json_string_body(js, textnode, "note", s, base64_encoded=b64)
                if grew is None:
                    secrets.planted.pop()
                else:
                    _set_number(js, _get(content, "size"), grew)
                    _set_number(js, _get(resp, "bodySize"), grew)
                    _har_content_length(js, resp, grew)
    return js.result()


def _har_content_length(js, side, grew):
    hdrs = _get(side, "headers")
    if hdrs is None or hdrs[0] != "array":
        return
    for h in hdrs[1]:
        name = _get(h, "name")
        if name and name[0] == "string" and name[1].lower() == "content-length":
            v = _get(h, "value")
            if v and v[0] == "string" and v[1].isdigit() and int(v[1]) > 0:
                js.replace(v[2], v[3], _json_str(str(int(v[1]) + grew)))


def plant_nock(text, secrets):
    """nockBack fixtures: [{scope, method, path, body, status, response,
    headers, reqheaders}]; bodies are JSON values, not strings."""
    js = JsonSpans(text)
    root = js.parse()
    for n, item in enumerate(root[1] if root[0] == "array" else []):
        s = secrets.make("query", f"definition {n} path")
        if not _plant_url_string(js, _get(item, "path"), s):
            secrets.planted.pop()
        rh = _get(item, "reqheaders")
        if rh is not None and rh[0] == "object":
            s = secrets.make("header", f"definition {n} reqheaders authorization")
            auth = _iget(rh, "authorization")
            if auth is not None:
                js.replace(auth[2], auth[3], _json_str("Bearer " + s))
            else:
                _insert_json_member(js, rh, "authorization", _json_str("Bearer " + s))
        for field, kind, key in (("body", "json", "api_key"), ("response", "response", "note")):
            node = _get(item, field)
            if node is None:
                continue
            s = secrets.make(kind, f"definition {n} {field}")
            if node[0] == "object":
                _insert_json_member(js, node, key, _json_str(s))
            elif _plant_json_string_body(js, node, key, s) is None:
                secrets.planted.pop()
    return js.result()


def plant_json_vcr(text, secrets):
    """Ruby VCR / VCR.py cassettes written with the JSON serializer."""
    js = JsonSpans(text)
    root = js.parse()
    inter = _get(root, "http_interactions") or _get(root, "interactions")
    for n, it in enumerate(inter[1] if inter else []):
        for side_name in ("request", "response"):
            side = _get(it, side_name)
            if side is None:
                continue
            hdrs = _get(side, "headers")
            if side_name == "request":
                if hdrs is not None and hdrs[0] == "object":
                    s = secrets.make("header", f"interaction {n} request header Authorization")
                    auth = _iget(hdrs, "authorization")
                    value = _json_str(["Bearer " + s]) if auth is None or auth[0] == "array" else _json_str("Bearer " + s)
                    if auth is not None:
                        js.replace(auth[2], auth[3], value)
                    else:
                        _insert_json_member(js, hdrs, "Authorization", value)
                s = secrets.make("query", f"interaction {n} request URL")
                if not _plant_url_string(js, _get(side, "uri"), s):
                    secrets.planted.pop()
            body = _get(side, "body")
            if body is None:
                continue
            kind, key = ("json", "api_key") if side_name == "request" else ("response", "note")
            s = secrets.make(kind, f"interaction {n} {side_name} body")
            if body[0] == "object":
                node, b64 = _get(body, "string"), False
                if node is None or node[0] != "string":
                    node, b64 = _get(body, "base64_string"), True
            else:
                node, b64 = body, False
            grew = _plant_json_string_body(js, node, key, s, base64_encoded=b64)
            if grew is None:
                secrets.planted.pop()
            elif hdrs is not None and hdrs[0] == "object":
                cl = _iget(hdrs, "content-length")
                if cl is not None and cl[0] == "array" and cl[1]:
                    cl = cl[1][0]
                if cl is not None and cl[0] == "string" and cl[1].isdigit() and int(cl[1]) > 0:
                    js.replace(cl[2], cl[3], _json_str(str(int(cl[1]) + grew)))
    return js.result()


# ------------------------------------------------------------------- httprr

def plant_httprr(data, secrets):
    """Go httprr v1: "httprr trace v1\\n" then records "N M\\n" + N bytes of
    HTTP/1.1 request + M bytes of response."""
    header = b"httprr trace v1\n"
    if not data.startswith(header):
        return None
    out, pos, n = [header], len(header), 0
    while pos < len(data):
        nl = data.index(b"\n", pos)
        a, b = (int(x) for x in data[pos:nl].split())
        req = data[nl + 1:nl + 1 + a]
        resp = data[nl + 1 + a:nl + 1 + a + b]
        pos = nl + 1 + a + b
        req = _plant_raw_request(req, secrets, n)
        resp = _plant_raw_message(resp, secrets, f"record {n} response body", "response", "note")
        out.append(f"{len(req)} {len(resp)}\n".encode() + req + resp)
        n += 1
    return b"".join(out)


def _split_http(msg):
    """(head, body) of a raw HTTP message. Header lines end in CRLF as a rule,
    but recorders have been seen to write a bare LF, so lines are matched with
    `\r?\n` and the head's own bytes are kept."""
    end = msg.find(b"\r\n\r\n")
    if end < 0:
        return None
    return msg[:end], msg[end + 4:]


def _plant_raw_request(msg, secrets, n):
    parts = _split_http(msg)
    if parts is None:
        return msg
    head, body = parts
    first_end = re.search(rb"\r?\n", head)
    first_end = first_end.start() if first_end else len(head)
    method, target, proto = head[:first_end].split(b" ", 2)
    s = secrets.make("query", f"record {n} request URL")
    target += (b"&" if b"?" in target else b"?") + b"key=" + s.encode()
    head = b" ".join([method, target, proto]) + head[first_end:]
    s = secrets.make("header", f"record {n} request header Authorization")
    auth = re.compile(rb"(?im)^(authorization:[ \t]*)[^\r\n]*")
    if auth.search(head):
        head = auth.sub(lambda m: m.group(1) + b"Bearer " + s.encode(), head, count=1)
    else:
        line_end = re.search(rb"\r?\n", head)
        pos = line_end.end() if line_end else len(head)
        head = head[:pos] + b"Authorization: Bearer " + s.encode() + b"\r\n" + head[pos:]
    msg = head + b"\r\n\r\n" + body
    return _plant_raw_message(msg, secrets, f"record {n} request body", "json", "api_key")


def _plant_raw_message(msg, secrets, where, kind, key):
    parts = _split_http(msg)
    if parts is None or not parts[1]:
        return msg
    head, body = parts
    if re.search(rb"(?im)^transfer-encoding:[^\r\n]*chunked", head):
        return msg  # chunked framing kept in the body: left alone
    s = secrets.make(kind, where)
    new = plant_body_bytes(body, key, s)
    if new is None:
        secrets.planted.pop()
        return msg
    head = re.sub(rb"(?im)^(content-length:[ \t]*)\d+", lambda m: m.group(1) + str(len(new)).encode(), head)
    return head + b"\r\n\r\n" + new


# --------------------------------------------------------------- dispatcher

def sniff_format(path, data):
    name = path.name
    if data.startswith(b"httprr trace v1"):
        return "httprr"
    text = data.decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if name.endswith(".har") or (stripped.startswith("{") and '"log"' in text[:2000] and '"entries"' in text):
        return "har"
    if stripped.startswith("["):
        return "nock" if '"scope"' in text else None
    if stripped.startswith("{"):
        return "json-vcr" if ("http_interactions" in text or '"interactions"' in text) else None
    if re.search(r"(?m)^(http_)?interactions:", text):
        return "yaml"
    return None


def plant(path, data, secrets):
    """The planted copy's bytes, or None when the file is not one this
    planter knows (gzipped whole files are gunzipped, planted and gzipped)."""
    if data[:2] == b"\x1f\x8b":
        inner = plant(path.with_suffix(""), _gunzip_all(data), secrets)
        return None if inner is None else _gzip(inner, data)
    fmt = sniff_format(path, data)
    if fmt == "httprr":
        return plant_httprr(data, secrets)
    if fmt is None:
        return None
    text = data.decode("utf-8")
    planted = {"yaml": plant_yaml, "har": plant_har, "nock": plant_nock, "json-vcr": plant_json_vcr}[fmt](text, secrets)
    return planted.encode("utf-8")

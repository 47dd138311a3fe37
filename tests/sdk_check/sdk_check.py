#!/usr/bin/env python3
"""Independent check of cassette's reassembled messages (issue #10).

For every LLM interaction in the given cassettes, rebuild the message from the
raw response body alone, the way each official SDK accumulates it, and compare
with the `message` that `cassette export --format json` gives:

  openai-chat       openai-python ChatCompletionStreamState (lib/streaming/_deltas.py
                    accumulate_delta: strings concatenated, `index`/`type` replaced,
                    tool_calls merged by `index`; usage: the last chunk's wins)
  openai-completions  legacy text completions: choices[0].text joined over the chunks (openai-python
                    has no accumulator for them; callers join the text), last finish_reason and usage
  openai-responses  openai-python ResponseStreamState: the response of the terminal
                    event (response.completed / incomplete / failed); `output_text` =
                    every output_text part of every message item
  anthropic         anthropic-python MessageStream accumulate_event (message_start,
                    content_block_start/delta, message_delta stop_reason + usage)
  gemini            google-genai: candidates[0] parts concatenated over the chunks
                    (`thought: true` parts are reasoning), last finishReason and
                    usageMetadata
  bedrock-converse  boto3 ConverseStream events (contentBlockStart/Delta, messageStop,
                    metadata) or the Converse output
  ollama            ollama-python: message.content / response concatenated over the
                    NDJSON lines; done_reason; prompt_eval_count / eval_count
  cohere            cohere v1 chat and generate (text-generation / stream-end) and v2
                    (content-delta, tool-call-*, message-end) streams, and their non-stream
                    bodies (generate: generations[0])

Only the raw body bytes (`body` / `body_base64` of the export) are used, never
cassette's own decoding. Python 3 standard library only (brotli bodies, which
the standard library cannot decode, are counted as skipped).

Compared: text, reasoning, tool call ids/names/arguments (as JSON values),
finish_reason, the provider's usage object (`raw_usage`), and the normalised
usage of docs/usage-semantics.md.

Usage: sdk_check.py [--cassette BIN] [-v] PATH...   (exit 1 on any difference)
"""
import argparse
import base64
import gzip
import json
import os
import struct
import subprocess
import sys
import zlib

EXTS = ('.yaml', '.yml', '.json', '.har', '.httprr', '.gz')


class Skip(Exception):
    pass


# ---------------------------------------------------------------- body framing

def raw_bytes(resp):
    if resp.get('body_base64') is not None:
        return base64.b64decode(resp['body_base64'])
    return (resp.get('body') or '').encode('utf-8')


def decompress(b):
    if b[:2] == b'\x1f\x8b':
        try:
            return gzip.decompress(b)
        except (OSError, EOFError, zlib.error):
            # a truncated gzip stream: what inflates is what the client read
            return zlib.decompressobj(31).decompress(b)
    if len(b) >= 2 and b[0] == 0x78 and (b[0] * 256 + b[1]) % 31 == 0:
        try:
            return zlib.decompress(b)
        except zlib.error:
            pass
    return b


def header(headers, name):
    for k, v in (headers or {}).items():
        if k.lower() == name.lower():
            return v[0] if isinstance(v, list) and v else v
    return None


def eventstream(b):
    """AWS event stream messages: [(headers dict, payload bytes)]; None if not one."""
    out, i = [], 0
    while i + 16 <= len(b):
        total, hlen, pcrc = struct.unpack('>III', b[i:i + 12])
        if zlib.crc32(b[i:i + 8]) != pcrc or total < 16 or i + total > len(b):
            return None
        heads, j, end = {}, i + 12, i + 12 + hlen
        while j < end:
            n = b[j]
            name = b[j + 1:j + 1 + n].decode()
            j += 1 + n
            t = b[j]
            j += 1
            if t == 7:
                ln = struct.unpack('>H', b[j:j + 2])[0]
                heads[name] = b[j + 2:j + 2 + ln].decode('utf-8', 'replace')
                j += 2 + ln
            else:  # only string headers matter here; skip the rest by type size
                size = {0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16}.get(t)
                if t == 6:
                    size = 2 + struct.unpack('>H', b[j:j + 2])[0]
                if size is None:
                    return None
                j += size
        out.append((heads, b[end:i + total - 4]))
        i += total
    return out if out and i == len(b) else None


def sse(text):
    """WHATWG server-sent events: [(event, data)]; a last event without a blank line counts."""
    events, data, event = [], [], ''
    lines = text.replace('\r\n', '\n').replace('\r', '\n').split('\n')
    for line in lines + ['']:
        if line == '':
            if data:
                events.append((event or 'message', '\n'.join(data)))
            data, event = [], ''
            continue
        if line.startswith(':'):
            continue
        field, _, value = line.partition(':')
        if value.startswith(' '):
            value = value[1:]
        if field == 'data':
            data.append(value)
        elif field == 'event':
            event = value
    return events


def payloads(resp):
    """The JSON payloads of a response body, in order, and whether it was a stream."""
    b = decompress(raw_bytes(resp))
    if header(resp.get('headers'), 'content-encoding') == 'br' and b[:1] not in (b'{', b'[', b'd', b'e', b':'):
        raise Skip('brotli')
    es = eventstream(b)
    if es is not None:
        out = []
        for heads, payload in es:
            try:
                p = json.loads(payload)
            except ValueError:
                continue
            if isinstance(p, dict) and 'bytes' in p:  # Bedrock invoke-with-response-stream chunk
                p = json.loads(base64.b64decode(p['bytes']))
            out.append((heads.get(':event-type', ''), p))
        return out, True
    text = b.decode('utf-8', 'replace')
    s = text.lstrip()
    if s.startswith(('data:', 'event:', ':', 'id:')) or '\ndata:' in text:
        out = []
        for ev, data in sse(text):
            if data.strip() == '[DONE]':
                continue
            try:
                out.append((ev, json.loads(data)))
            except ValueError:
                pass
        return out, True
    try:
        v = json.loads(s)
        if isinstance(v, list):
            return [('', x) for x in v], True
        return [('', v)], False
    except ValueError:
        pass
    out = []
    for line in s.splitlines():
        if line.strip():
            try:
                out.append(('', json.loads(line)))
            except ValueError:
                pass
    return out, True


# ---------------------------------------------------------------- accumulators

def msg(text='', reasoning='', tools=None, finish='', usage=None, server=None):
    return {'text': text, 'reasoning': reasoning, 'tool_calls': tools or [], 'finish_reason': finish or '',
            'raw_usage': usage, 'server_tool_calls': server or []}


def accumulate_delta(acc, delta):
    """openai-python lib/streaming/_deltas.py accumulate_delta."""
    for key, dv in delta.items():
        if key not in acc or acc[key] is None:
            acc[key] = dv
            continue
        av = acc[key]
        if key in ('index', 'type'):
            acc[key] = dv
            continue
        if isinstance(av, str) and isinstance(dv, str):
            av += dv
        elif isinstance(av, (int, float)) and isinstance(dv, (int, float)) and not isinstance(av, bool):
            av += dv
        elif isinstance(av, dict) and isinstance(dv, dict):
            av = accumulate_delta(av, dv)
        elif isinstance(av, list) and isinstance(dv, list):
            if all(isinstance(x, (str, int, float)) for x in av):
                av.extend(dv)
                continue
            for entry in dv:
                idx = entry['index']
                if idx < len(av):
                    av[idx] = accumulate_delta(av[idx], entry)
                else:
                    av.insert(idx, entry)
        acc[key] = av
    return acc


def thinking_parts(content):
    """Mistral's thinking chunks (mistralai ThinkChunk: {type: thinking, thinking: [TextChunk | ReferenceChunk]})."""
    out = ''
    for p in content if isinstance(content, list) else []:
        if isinstance(p, dict) and p.get('type') == 'thinking':
            t = p.get('thinking')
            if isinstance(t, str):
                out += t
            for x in t if isinstance(t, list) else []:
                if isinstance(x, dict) and x.get('type') == 'text':
                    out += x.get('text') or ''
    return out


def flatten_content(delta):
    """A delta whose content is a list of parts (Mistral): text parts joined into `content`, thinking parts
    into `thinking_text`, so openai-python's accumulate_delta (which merges lists by `index`) can join them."""
    content = delta.get('content')
    if not isinstance(content, list):
        return delta
    delta = dict(delta)
    delta['content'] = ''.join(p.get('text', '') for p in content if isinstance(p, dict) and p.get('type') in (None, 'text'))
    think = thinking_parts(content)
    if think:
        delta['thinking_text'] = think
    return delta


def chat_message(m, finish, usage):
    content = m.get('content')
    thinking = m.get('thinking_text') or thinking_parts(content)
    if isinstance(content, list):
        content = ''.join(p.get('text', '') for p in content if isinstance(p, dict) and p.get('type') in (None, 'text'))
    reasoning = m.get('reasoning_content') or m.get('reasoning') or thinking or ''
    tools = [{'id': t.get('id') or '', 'name': (t.get('function') or {}).get('name') or '',
              'arguments': (t.get('function') or {}).get('arguments') or ''} for t in m.get('tool_calls') or []]
    return msg(content or '', reasoning if isinstance(reasoning, str) else '', tools, finish, usage)


def openai_chat(items, streamed):
    if not streamed:
        body = items[0][1]
        ch = (body.get('choices') or [{}])[0]
        m = ch['message'] if 'message' in ch else {'content': ch.get('text') or ''}
        return chat_message(m or {}, ch.get('finish_reason'), body.get('usage'))
    choices, usage = {}, None
    for _, chunk in items:
        if not isinstance(chunk, dict):
            continue
        for c in chunk.get('choices') or []:
            snap = choices.setdefault(c.get('index', 0), {'message': {}, 'finish_reason': None})
            # /v1/completions chunks carry `text` instead of `delta` (the SDK has no
            # accumulator for them: callers join choices[0].text)
            delta = flatten_content(c['delta']) if 'delta' in c else {'content': c.get('text') or ''}
            accumulate_delta(snap['message'], json.loads(json.dumps(delta or {})))
            if c.get('finish_reason'):
                snap['finish_reason'] = c['finish_reason']
        if chunk.get('usage'):
            usage = chunk['usage']
        elif (chunk.get('x_groq') or {}).get('usage'):
            # Groq streams report usage only here (groq-python exposes it as chunk.x_groq.usage;
            # openai-python's accumulator would give none): cassette reads it, deliberately.
            usage = chunk['x_groq']['usage']
    snap = choices.get(0, {'message': {}, 'finish_reason': None})
    return chat_message(snap['message'], snap['finish_reason'], usage)


def openai_completions(items, streamed):
    """Legacy /v1/completions: choices[0].text (openai-python returns Completion objects; a stream is
    read by joining each chunk's choices[0].text)."""
    text, finish, usage = [], '', None
    for _, body in items if streamed else items[:1]:
        if not isinstance(body, dict):
            continue
        for c in body.get('choices') or []:
            if c.get('index', 0) == 0:
                text.append(c.get('text') or '')
                finish = c.get('finish_reason') or finish
        if body.get('usage'):
            usage = body['usage']
    return msg(''.join(text), '', [], finish, usage)


SERVER_ITEMS = ('web_search_call', 'file_search_call', 'code_interpreter_call', 'computer_call', 'image_generation_call',
                'mcp_call', 'local_shell_call')


def responses_message(r):
    text, reasoning, tools, server = [], [], [], []
    for item in r.get('output') or []:
        t = item.get('type')
        if t == 'message':
            text += [c.get('text', '') for c in item.get('content') or [] if c.get('type') == 'output_text']
        elif t == 'reasoning':
            summ = [s.get('text', '') for s in item.get('summary') or []]
            reasoning += summ or [c.get('text', '') for c in item.get('content') or [] if c.get('type') == 'reasoning_text']
        elif t in ('function_call', 'custom_tool_call'):
            tools.append({'id': item.get('call_id') or '', 'name': item.get('name') or '',
                          'arguments': item.get('arguments', item.get('input')) or ''})
        elif t in SERVER_ITEMS:
            server.append({'id': item.get('id') or ''})
    return msg(''.join(text), ''.join(reasoning), tools, r.get('status'), r.get('usage'), server)


def openai_responses(items, streamed):
    if not streamed:
        return responses_message(items[0][1])
    final = None
    for _, ev in items:
        if isinstance(ev, dict) and ev.get('type') in ('response.completed', 'response.incomplete', 'response.failed'):
            final = ev['response']
    if final is None:  # no terminal event: the snapshot of response.created + deltas
        for _, ev in items:
            if isinstance(ev, dict) and ev.get('type') == 'response.created':
                final = ev['response']
        final = dict(final or {})
        final['output'] = [ev['item'] for _, ev in items if isinstance(ev, dict) and ev.get('type') == 'response.output_item.done']
    return responses_message(final)


def anthropic_message(m):
    text, reasoning, tools, server = [], [], [], []
    for b in m.get('content') or []:
        t = b.get('type')
        if t == 'text':
            text.append(b.get('text', ''))
        elif t == 'thinking':
            reasoning.append(b.get('thinking', ''))
        elif t == 'tool_use':
            tools.append({'id': b.get('id', ''), 'name': b.get('name', ''), 'arguments': b.get('input', {})})
        elif t in ('server_tool_use', 'mcp_tool_use'):
            server.append({'id': b.get('id', ''), 'name': b.get('name', ''), 'arguments': b.get('input', {})})
    return msg(''.join(text), ''.join(reasoning), tools, m.get('stop_reason'), m.get('usage'), server)


def anthropic(items, streamed):
    if not streamed:
        return anthropic_message(items[0][1])
    snap = None
    for _, ev in items:
        t = ev.get('type') if isinstance(ev, dict) else None
        if t == 'message_start':
            snap = json.loads(json.dumps(ev['message']))
            snap.setdefault('content', [])
        elif snap is None:
            continue
        elif t == 'content_block_start':
            block = dict(ev['content_block'])
            if block.get('type') in ('tool_use', 'server_tool_use', 'mcp_tool_use'):
                block['_json'] = ''
            snap['content'].append(block)
        elif t == 'content_block_delta':
            block, d = snap['content'][ev['index']], ev['delta']
            if d['type'] == 'text_delta':
                block['text'] = block.get('text', '') + d['text']
            elif d['type'] == 'input_json_delta':
                block['_json'] += d['partial_json']  # parsed whole at content_block_stop
            elif d['type'] == 'thinking_delta':
                block['thinking'] = block.get('thinking', '') + d['thinking']
        elif t == 'content_block_stop':
            block = snap['content'][ev['index']]
            if '_json' in block:
                block['input'] = json.loads(block['_json']) if block['_json'] else {}
        elif t == 'message_delta':
            snap['stop_reason'] = ev['delta'].get('stop_reason')
            u = snap.setdefault('usage', {})
            for k, v in (ev.get('usage') or {}).items():
                if v is not None:
                    u[k] = v
    return anthropic_message(snap or {})


# Candidate.FinishReason values that the Gemini API and Vertex protos share (above 5 they differ).
GEMINI_FINISH = ['FINISH_REASON_UNSPECIFIED', 'STOP', 'MAX_TOKENS', 'SAFETY', 'RECITATION', 'OTHER']


def gemini(items, streamed):
    text, reasoning, tools, server, finish, usage = [], [], [], [], '', None
    for _, chunk in items:
        if not isinstance(chunk, dict):
            continue
        cands = chunk.get('candidates') or []
        if cands:
            for p in (cands[0].get('content') or {}).get('parts') or []:
                if 'text' in p:
                    (reasoning if p.get('thought') else text).append(p['text'])
                elif 'functionCall' in p:
                    fc = p['functionCall']
                    tools.append({'id': fc.get('id', ''), 'name': fc.get('name', ''), 'arguments': fc.get('args', {})})
                elif 'executableCode' in p:  # code execution, run by Google
                    server.append(p['executableCode'])
            fr = cands[0].get('finishReason')
            if isinstance(fr, int) and not isinstance(fr, bool):  # `enum-encoding=int`: the SDKs map it back
                fr = GEMINI_FINISH[fr] if 0 <= fr < len(GEMINI_FINISH) else str(fr)
            if fr:
                finish = fr
        if chunk.get('usageMetadata'):
            usage = chunk['usageMetadata']
    return msg(''.join(text), ''.join(reasoning), tools, finish, usage, server)


def converse(items, streamed):
    if not streamed:
        body = items[0][1]
        text, reasoning, tools = [], [], []
        for c in ((body.get('output') or {}).get('message') or {}).get('content') or []:
            if 'text' in c:
                text.append(c['text'])
            elif 'citationsContent' in c:
                # boto3 CitationsContentBlock: the generated text that cites a document
                text += [g.get('text', '') for g in c['citationsContent'].get('content') or []]
            elif 'toolUse' in c:
                tu = c['toolUse']
                tools.append({'id': tu.get('toolUseId', ''), 'name': tu.get('name', ''), 'arguments': tu.get('input', {})})
            elif 'reasoningContent' in c:
                reasoning.append(((c['reasoningContent'].get('reasoningText') or {}).get('text')) or '')
        return msg(''.join(text), ''.join(reasoning), tools, body.get('stopReason'), body.get('usage'))
    text, reasoning, blocks, finish, usage = [], [], {}, '', None
    for ev_type, ev in items:
        if not isinstance(ev, dict):
            continue
        if 'start' in ev and 'toolUse' in (ev.get('start') or {}):
            tu = ev['start']['toolUse']
            blocks[ev.get('contentBlockIndex', 0)] = {'id': tu.get('toolUseId', ''), 'name': tu.get('name', ''), 'arguments': ''}
        elif 'delta' in ev:
            d = ev['delta']
            if 'text' in d:
                text.append(d['text'])
            elif 'toolUse' in d:
                blocks[ev.get('contentBlockIndex', 0)]['arguments'] += d['toolUse'].get('input', '')
            elif 'reasoningContent' in d:
                reasoning.append(d['reasoningContent'].get('text', ''))
        elif 'stopReason' in ev:
            finish = ev['stopReason']
        elif 'usage' in ev:
            usage = ev['usage']
    return msg(''.join(text), ''.join(reasoning), [blocks[k] for k in sorted(blocks)], finish, usage)


def ollama(items, streamed):
    text, reasoning, tools, finish, last = [], [], [], '', {}
    for _, line in items:
        if not isinstance(line, dict):
            continue
        m = line.get('message') or {}
        text.append(m.get('content') or line.get('response') or '')
        reasoning.append(m.get('thinking') or line.get('thinking') or '')
        for t in m.get('tool_calls') or []:
            f = t.get('function') or {}
            tools.append({'id': t.get('id', ''), 'name': f.get('name', ''), 'arguments': f.get('arguments', {})})
        if line.get('done'):
            finish, last = line.get('done_reason') or '', line
    usage = {k: v for k, v in last.items() if k.endswith(('_count', '_duration'))} or None
    return msg(''.join(text), ''.join(reasoning), tools, finish, usage)


def cohere(items, streamed):
    text, reasoning, tools, finish, usage = [], [], {}, '', None
    for ev_name, ev in items:
        if not isinstance(ev, dict):
            continue
        t = ev.get('type') or ev.get('event_type') or ev_name
        if not streamed:
            if 'message' in ev:  # v2
                text += [c.get('text', '') for c in ev['message'].get('content') or [] if c.get('type') == 'text']
                reasoning += [c.get('thinking', '') for c in ev['message'].get('content') or []
                              if c.get('type') == 'thinking']
                for i, tc in enumerate(ev['message'].get('tool_calls') or []):
                    f = tc.get('function') or {}
                    tools[i] = {'id': tc.get('id', ''), 'name': f.get('name', ''), 'arguments': f.get('arguments', '')}
                usage = ev.get('usage')
            elif 'generations' in ev:  # v1 generate
                gens = ev['generations'] or [{}]
                text.append(gens[0].get('text') or '')
                usage = ev.get('meta')
                finish = gens[0].get('finish_reason') or ''
                continue
            else:  # v1
                text.append(ev.get('text') or '')
                for i, tc in enumerate(ev.get('tool_calls') or []):
                    tools[i] = {'id': '', 'name': tc.get('name', ''), 'arguments': tc.get('parameters', {})}
                usage = ev.get('meta')
            finish = ev.get('finish_reason') or ''
        elif t == 'text-generation':
            text.append(ev.get('text', ''))
        elif t == 'stream-end':
            finish = ev.get('finish_reason') or ''
            usage = (ev.get('response') or {}).get('meta')
            for i, tc in enumerate((ev.get('response') or {}).get('tool_calls') or []):
                tools[i] = {'id': '', 'name': tc.get('name', ''), 'arguments': tc.get('parameters', {})}
        elif t == 'content-delta':
            part = ((ev.get('delta') or {}).get('message') or {}).get('content') or {}
            text.append(part.get('text', ''))
            reasoning.append(part.get('thinking', ''))
        elif t == 'tool-call-start':
            tc = ev['delta']['message']['tool_calls']
            tools[ev.get('index', 0)] = {'id': tc.get('id', ''), 'name': tc['function'].get('name', ''),
                                         'arguments': tc['function'].get('arguments', '')}
        elif t == 'tool-call-delta':
            tools[ev.get('index', 0)]['arguments'] += ev['delta']['message']['tool_calls']['function'].get('arguments', '')
        elif t == 'message-end':
            finish = (ev.get('delta') or {}).get('finish_reason') or ''
            usage = (ev.get('delta') or {}).get('usage')
    return msg(''.join(text), ''.join(reasoning), [tools[k] for k in sorted(tools)], finish, usage)


ACCUMULATORS = {'openai-chat': openai_chat, 'openai-completions': openai_completions, 'openai-responses': openai_responses, 'anthropic': anthropic,
                'gemini': gemini, 'bedrock-converse': converse, 'ollama': ollama, 'cohere': cohere}


# ---------------------------------------------------------------- normalised usage (docs/usage-semantics.md)

def n(v):
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def normalise(api, u):
    if not isinstance(u, dict):
        return None
    g = lambda *path: n(_dig(u, path))  # noqa: E731
    if api in ('openai-chat', 'openai-completions'):
        inp, out, rs = g('prompt_tokens'), g('completion_tokens'), g('completion_tokens_details', 'reasoning_tokens')
        cr = g('prompt_tokens_details', 'cached_tokens') or g('prompt_cache_hit_tokens')
        if rs and (g('total_tokens') == inp + out + rs or rs > out):
            out += rs
        return usage_row(inp, out, rs, cr, 0)
    if api == 'openai-responses':
        inp, out, rs = g('input_tokens'), g('output_tokens'), g('output_tokens_details', 'reasoning_tokens')
        if rs and (g('total_tokens') == inp + out + rs or rs > out):
            out += rs
        return usage_row(inp, out, rs, g('input_tokens_details', 'cached_tokens'),
                         g('input_tokens_details', 'cache_write_tokens'))  # Bedrock's Responses endpoint
    if api == 'anthropic':
        cw, cr = g('cache_creation_input_tokens'), g('cache_read_input_tokens')
        # output_tokens_details.thinking_tokens: reported by newer API versions
        return usage_row(g('input_tokens') + cw + cr, g('output_tokens'), g('output_tokens_details', 'thinking_tokens'),
                         cr, cw)
    if api == 'gemini':
        # totalTokenCount = prompt + toolUsePrompt (built-in tools' results) + candidates + thoughts
        th = g('thoughtsTokenCount')
        return usage_row(g('promptTokenCount') + g('toolUsePromptTokenCount'), g('candidatesTokenCount') + th, th,
                         g('cachedContentTokenCount'), 0)
    if api == 'bedrock-converse':
        return usage_row(g('inputTokens') + g('cacheReadInputTokens') + g('cacheWriteInputTokens'), g('outputTokens'), 0,
                         g('cacheReadInputTokens'), g('cacheWriteInputTokens'))
    if api == 'ollama':
        return usage_row(g('prompt_eval_count'), g('eval_count'), 0, 0, 0)
    if api == 'cohere':
        # tokens (what the model saw) first, billed_units where tokens are missing
        # (counts may be floats, as the v1 API writes billed_units)
        def pick(k):
            for obj in ('tokens', 'billed_units'):
                v = _dig(u, (obj, k))
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    return int(v)
            return 0
        return usage_row(pick('input_tokens'), pick('output_tokens'), 0, g('cached_tokens'), 0)
    return None


def _dig(u, path):
    for p in path:
        if not isinstance(u, dict):
            return None
        u = u.get(p)
    return u


def usage_row(inp, out, rs, cr, cw):
    return {'input_tokens': inp, 'output_tokens': out, 'reasoning_tokens': rs, 'cache_read_tokens': cr,
            'cache_write_tokens': cw, 'total_tokens': inp + out}


# ---------------------------------------------------------------- comparison

def as_value(args):
    """Tool arguments compared as JSON values (SDKs parse them; cassette keeps the text)."""
    if isinstance(args, str):
        try:
            return json.loads(args) if args.strip() else {}
        except ValueError:
            return args
    return args


def compare(api, want, got):
    diffs = []
    for k in ('text', 'reasoning', 'finish_reason'):
        if (want[k] or '') != (got.get(k) or ''):
            diffs.append((k, want[k], got.get(k)))
    wt = [(t['id'], t['name'], as_value(t['arguments'])) for t in want['tool_calls']]
    gt = [(t.get('id', ''), t.get('name', ''), as_value(t.get('arguments', ''))) for t in got.get('tool_calls') or []]
    if wt != gt:
        diffs.append(('tool_calls', wt, gt))
    if len(want['server_tool_calls']) != len(got.get('server_tool_calls') or []):
        diffs.append(('server_tool_calls', len(want['server_tool_calls']), len(got.get('server_tool_calls') or [])))
    if want['raw_usage'] != got.get('raw_usage'):
        diffs.append(('raw_usage', want['raw_usage'], got.get('raw_usage')))
    nu = normalise(api, want['raw_usage'])
    if nu is not None and got.get('usage') is not None and nu != got['usage']:
        diffs.append(('usage', nu, got['usage']))
    return diffs


def files_under(paths):
    for p in paths:
        if os.path.isdir(p):
            for dp, _, fn in sorted(os.walk(p)):
                for f in sorted(fn):
                    if f.endswith(EXTS):
                        yield os.path.join(dp, f)
        else:
            yield p


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--cassette', default=os.environ.get('CASSETTE', 'cassette'))
    ap.add_argument('-v', '--verbose', action='store_true')
    ap.add_argument('--skip-missing', type=int, metavar='CODE',
                    help='exit with CODE (ctest: skipped) when a path does not exist, as in a clone '
                         'without the shared corpus')
    ap.add_argument('paths', nargs='+')
    a = ap.parse_args()
    missing = [p for p in a.paths if not os.path.exists(p)]
    if missing and a.skip_missing is not None:
        print(f'skipped: {", ".join(missing)} absent')
        return a.skip_missing
    checked = errors = skipped = files = 0
    differences = []
    by_api = {}
    for path in files_under(a.paths):
        p = subprocess.run([a.cassette, 'export', '--format', 'json', path], capture_output=True)
        if p.returncode != 0:
            continue  # not a cassette (a LICENSE.json, package.json …)
        files += 1
        doc = json.loads(p.stdout)
        for ix in doc.get('interactions', []):  # WebSocket and gRPC logs have none
            got = ix.get('message')
            if not got:
                continue
            if got.get('error'):
                errors += 1
                continue
            api = got['api']
            try:
                items, streamed = payloads(ix['response'])
                want = ACCUMULATORS[api](items, streamed)
            except Skip as e:
                skipped += 1
                if a.verbose:
                    print(f'skip {path} #{ix["index"]}: {e}')
                continue
            except (KeyError, IndexError, TypeError, ValueError, AttributeError) as e:
                differences.append((path, ix['index'], api, [('checker', repr(e), '')]))
                continue
            checked += 1
            by_api[api] = by_api.get(api, 0) + 1
            d = compare(api, want, got)
            if d:
                differences.append((path, ix['index'], api, d))
    for path, index, api, d in differences:
        print(f'DIFF {path} #{index} ({api})')
        for field, want, got in d:
            print(f'  {field}:\n    sdk:      {json.dumps(want)[:400]}\n    cassette: {json.dumps(got)[:400]}')
    print(f'{files} files, {checked} LLM interactions checked '
          f'({", ".join(f"{k} {v}" for k, v in sorted(by_api.items()))}), {errors} error responses not compared, '
          f'{skipped} skipped (brotli), {len(differences)} with differences')
    return 1 if differences else 0


if __name__ == '__main__':
    sys.exit(main())

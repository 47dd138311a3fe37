#!/usr/bin/env python3
"""Independent check of cassette's normalized request prompt (issue #21).

For every LLM interaction in the given cassettes, read the raw request body
alone, following each API's own request reference, and compare with the
`prompt` that `cassette export --format json` gives: the system text, the
message count, the role sequence, the text parts of each message, the tool
call and tool result ids of each message, and the names of the tools offered.

  openai-chat         messages[]; leading system/developer messages are the system text;
                      assistant tool_calls[].id, tool messages' tool_call_id; tools[].function.name
                      (legacy functions[].name)
  openai-completions  prompt (a string, or a list of strings) as user messages
  openai-responses    instructions + leading system/developer messages; input as a string or items:
                      message items keep their role, other items (function_call, reasoning,
                      *_output …) join the previous non-message item of the same role (assistant,
                      or tool for outputs); ids are call_id
  anthropic           system (string or text blocks); messages[].content: text blocks, tool_use id,
                      tool_result tool_use_id (and the server tools' equivalents); tools[].name
  gemini              systemInstruction parts; contents[] (role defaults to user), text parts (not
                      thought), functionCall / functionResponse ids; functionDeclarations names and
                      server tools by their key
  bedrock-converse    system[].text; messages[].content text, toolUse / toolResult toolUseId;
                      toolConfig.tools[].toolSpec.name
  ollama              chat: messages[] (leading system messages are the system text); generate:
                      system + prompt; tools[].function.name
  cohere              v2: messages[] like chat; v1: preamble, chat_history[] then message;
                      tools[].name or tools[].function.name

Python 3 standard library only. Exit 1 with a DIFF block per interaction that
differs. Run:

    python3 tests/prompt_check/prompt_check.py --cassette build/cassette ../shared/corpus
"""
import argparse
import base64
import gzip
import json
import os
import subprocess
import sys
import zlib

EXTS = ('.yaml', '.yml', '.json', '.har', '.httprr', '.gz')


def raw_bytes(req):
    if req.get('body_base64') is not None:
        return base64.b64decode(req['body_base64'])
    return (req.get('body') or '').encode('utf-8')


def decompress(b):
    if b[:2] == b'\x1f\x8b':
        try:
            return gzip.decompress(b)
        except (OSError, EOFError, zlib.error):
            return zlib.decompressobj(31).decompress(b)
    return b


class Skip(Exception):
    pass


def s(v):
    return v if isinstance(v, str) else ''


def msg(role):
    return {'role': role, 'text': [], 'ids': []}


def result(system, messages, tools):
    return {'system': system, 'messages': messages, 'tools': tools}


def chat_content(m, out):
    """OpenAI-style content: a string, or a list of typed parts."""
    c = m.get('content')
    if isinstance(c, str):
        if c != '':
            out['text'].append(c)
    elif isinstance(c, list):
        for part in c:
            if isinstance(part, str):
                out['text'].append(part)
            elif isinstance(part, dict) and part.get('type') in ('text', 'input_text', 'output_text'):
                out['text'].append(s(part.get('text')))


def system_text(c):
    if isinstance(c, str):
        return [c] if c else []
    if isinstance(c, list):
        return [s(p.get('text')) for p in c if isinstance(p, dict) and isinstance(p.get('text'), str)]
    return []


def chat_messages(body, system_roles=('system', 'developer')):
    system, messages = [], []
    leading = True
    for m in body.get('messages') or []:
        if not isinstance(m, dict):
            continue
        role = s(m.get('role'))
        if leading and role in system_roles:
            system += system_text(m.get('content'))
            continue
        leading = False
        out = msg(role)
        if role in ('tool', 'function'):
            if m.get('tool_call_id'):
                out['ids'].append(m['tool_call_id'])
        else:
            chat_content(m, out)
        for tc in m.get('tool_calls') or []:
            if isinstance(tc, dict) and tc.get('id'):
                out['ids'].append(tc['id'])
        messages.append(out)
    return system, messages


def function_names(tools):
    names = []
    for t in tools or []:
        if not isinstance(t, dict):
            continue
        f = t.get('function')
        if isinstance(f, dict) and f.get('name'):
            names.append(f['name'])
        elif t.get('name'):
            names.append(t['name'])
        elif t.get('type'):
            names.append(t['type'])
    return names


def openai_chat(body, ix):
    system, messages = chat_messages(body)
    tools = function_names(body.get('tools')) + function_names(body.get('functions'))
    return result('\n\n'.join(system), messages, tools)


def openai_completions(body, ix):
    # One user message; a batch of prompts (or of token-id lists) is one part
    # each, token ids written as JSON.
    m = msg('user')
    p = body.get('prompt')
    for x in p if isinstance(p, list) else [p] if p is not None else []:
        m['text'].append(x if isinstance(x, str) else json.dumps(x, separators=(',', ':')))
    return result('', [m], [])


OUTPUT_ITEMS = ('function_call_output', 'custom_tool_call_output', 'computer_call_output', 'local_shell_call_output',
                'mcp_approval_response', 'apply_patch_call_output', 'shell_call_output')


def openai_responses(body, ix):
    system = system_text(body.get('instructions'))
    messages = []
    inp = body.get('input')
    last_item = False
    if isinstance(inp, str):
        m = msg('user')
        m['text'].append(inp)
        messages.append(m)
    elif isinstance(inp, list):
        for item in inp:
            if not isinstance(item, dict):
                continue
            typ = s(item.get('type'))
            if typ == 'message' or (not typ and 'role' in item):
                role = s(item.get('role'))
                if not messages and role in ('system', 'developer'):
                    system += system_text(item.get('content'))
                    continue
                m = msg(role)
                chat_content(item, m)
                messages.append(m)
                last_item = False
                continue
            role = 'tool' if typ in OUTPUT_ITEMS or typ.endswith('_output') else 'assistant'
            if last_item and messages and messages[-1]['role'] == role:
                m = messages[-1]
            else:
                m = msg(role)
                messages.append(m)
            if item.get('call_id'):
                m['ids'].append(item['call_id'])
            last_item = True
    tools = []
    for t in body.get('tools') or []:
        if isinstance(t, dict):
            tools.append(s(t.get('name')) or s((t.get('function') or {}).get('name')) or s(t.get('type')))
    return result('\n\n'.join(system), messages, tools)


def anthropic(body, ix):
    system = system_text(body.get('system'))
    messages = []
    if isinstance(body.get('prompt'), str) and 'messages' not in body:
        # the legacy text completions API ("\n\nHuman: … \n\nAssistant:")
        m = msg('user')
        m['text'].append(body['prompt'])
        messages.append(m)
    for m in body.get('messages') or []:
        if not isinstance(m, dict):
            continue
        out = msg(s(m.get('role')))
        c = m.get('content')
        if isinstance(c, str):
            if c:
                out['text'].append(c)
        elif isinstance(c, list):
            for b in c:
                if not isinstance(b, dict):
                    continue
                t = b.get('type')
                if t == 'text':
                    out['text'].append(s(b.get('text')))
                elif t in ('tool_use', 'server_tool_use', 'mcp_tool_use'):
                    if b.get('id'):
                        out['ids'].append(b['id'])
                elif isinstance(t, str) and (t == 'tool_result' or t.endswith('_tool_result')):
                    if b.get('tool_use_id'):
                        out['ids'].append(b['tool_use_id'])
        messages.append(out)
    tools = [s(t.get('name')) or s(t.get('type')) for t in body.get('tools') or [] if isinstance(t, dict)]
    return result('\n\n'.join(system), messages, tools)


def gemini(body, ix):
    si = body.get('systemInstruction', body.get('system_instruction'))
    system = []
    if isinstance(si, str):
        system = [si]
    elif isinstance(si, dict):
        parts = si.get('parts')
        parts = [parts] if isinstance(parts, dict) else parts or []  # one part object is accepted too
        system = [s(p.get('text')) for p in parts if isinstance(p, dict) and 'text' in p]
    messages = []
    for c in body.get('contents') or []:
        if not isinstance(c, dict):
            continue
        out = msg(s(c.get('role')) or 'user')
        for p in c.get('parts') or []:
            if not isinstance(p, dict):
                continue
            if 'text' in p and not p.get('thought'):
                out['text'].append(s(p.get('text')))
            for k in ('functionCall', 'function_call', 'functionResponse', 'function_response', 'toolCall', 'tool_call',
                      'toolResponse', 'tool_response'):
                if isinstance(p.get(k), dict) and p[k].get('id'):
                    out['ids'].append(p[k]['id'])
        messages.append(out)
    tools = []
    for t in body.get('tools') or []:
        if not isinstance(t, dict):
            continue
        for k, v in t.items():
            if k in ('functionDeclarations', 'function_declarations'):
                tools += [s(f.get('name')) for f in v or [] if isinstance(f, dict)]
            else:
                tools.append(k)
    return result('\n\n'.join(system), messages, tools)


def converse(body, ix):
    system = [s(b.get('text')) for b in body.get('system') or [] if isinstance(b, dict) and 'text' in b]
    messages = []
    for m in body.get('messages') or []:
        if not isinstance(m, dict):
            continue
        out = msg(s(m.get('role')))
        for b in m.get('content') or []:
            if not isinstance(b, dict):
                continue
            if 'text' in b:
                out['text'].append(s(b['text']))
            if isinstance(b.get('citationsContent'), dict):  # cited text is text of the message
                for c in b['citationsContent'].get('content') or []:
                    if isinstance(c, dict) and 'text' in c:
                        out['text'].append(s(c['text']))
            for k in ('toolUse', 'toolResult'):
                if isinstance(b.get(k), dict) and b[k].get('toolUseId'):
                    out['ids'].append(b[k]['toolUseId'])
        messages.append(out)
    tc = body.get('toolConfig') or {}
    tools = []
    for t in tc.get('tools') or []:
        if isinstance(t, dict):
            for k in ('toolSpec', 'systemTool'):  # systemTool: a server tool (nova_grounding …)
                if isinstance(t.get(k), dict):
                    tools.append(s(t[k].get('name')))
    return result('\n\n'.join(system), messages, tools)


def ollama(body, ix):
    if 'messages' in body:
        system, messages = chat_messages(body, ('system',))
        return result('\n\n'.join(system), messages, function_names(body.get('tools')))
    m = msg('user')
    if s(body.get('prompt')):
        m['text'].append(body['prompt'])
    return result(s(body.get('system')), [m], function_names(body.get('tools')))


def cohere(body, ix):
    if 'messages' in body:  # v2
        system, messages = chat_messages(body, ('system',))
        return result('\n\n'.join(system), messages, function_names(body.get('tools')))
    messages = []
    for h in body.get('chat_history') or []:
        if not isinstance(h, dict):
            continue
        m = msg(s(h.get('role')))
        if s(h.get('message')):
            m['text'].append(h['message'])
        messages.append(m)
    if isinstance(body.get('prompt'), str) and 'message' not in body:
        m = msg('user')  # the generate API
        m['text'].append(body['prompt'])
        messages.append(m)
    if isinstance(body.get('message'), str):
        m = msg('USER')
        if body['message']:
            m['text'].append(body['message'])
        messages.append(m)
    return result(s(body.get('preamble')), messages, function_names(body.get('tools')))


READERS = {'openai-chat': openai_chat, 'openai-completions': openai_completions,
           'openai-responses': openai_responses, 'anthropic': anthropic, 'gemini': gemini,
           'bedrock-converse': converse, 'ollama': ollama, 'cohere': cohere}


def cassette_view(p):
    """The same fields from cassette's prompt."""
    messages = []
    for m in p.get('messages') or []:
        out = msg(m.get('role', ''))
        for part in m.get('parts') or []:
            if part.get('type') == 'text':
                out['text'].append(part.get('text', ''))
            elif part.get('type') in ('tool_call', 'tool_result') and part.get('id'):
                out['ids'].append(part['id'])
        messages.append(out)
    tools = [t.get('name') or t.get('type', '') for t in p.get('tools') or []]
    return result(p.get('system', ''), messages, tools)


def compare(want, got):
    diffs = []
    if want['system'] != got['system']:
        diffs.append(('system', want['system'], got['system']))
    if len(want['messages']) != len(got['messages']):
        diffs.append(('message count', len(want['messages']), len(got['messages'])))
    wr = [m['role'] for m in want['messages']]
    gr = [m['role'] for m in got['messages']]
    if wr != gr:
        diffs.append(('roles', wr, gr))
    for i, (w, g) in enumerate(zip(want['messages'], got['messages'])):
        if w['text'] != g['text']:
            diffs.append((f'messages[{i}].text', w['text'], g['text']))
        if w['ids'] != g['ids']:
            diffs.append((f'messages[{i}].ids', w['ids'], g['ids']))
    if want['tools'] != got['tools']:
        diffs.append(('tools', want['tools'], got['tools']))
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
                    help='exit with CODE (ctest: skipped) when a path does not exist')
    ap.add_argument('paths', nargs='+')
    a = ap.parse_args()
    missing = [p for p in a.paths if not os.path.exists(p)]
    if missing and a.skip_missing is not None:
        print(f'skipped: {", ".join(missing)} absent')
        return a.skip_missing
    files = checked = without = 0
    by_api = {}
    differences = []
    for path in files_under(a.paths):
        p = subprocess.run([a.cassette, 'export', '--format', 'json', path], capture_output=True)
        if p.returncode != 0:
            continue
        files += 1
        doc = json.loads(p.stdout)
        for ix in doc.get('interactions', []):
            got = ix.get('prompt')
            api = (ix.get('message') or {}).get('api') or (got or {}).get('api')
            if not got:
                if ix.get('message'):
                    without += 1  # an LLM answer whose request is not a JSON object
                continue
            api = got.get('api', api)
            try:
                body = json.loads(decompress(raw_bytes(ix['request'])))
                if not isinstance(body, dict):
                    raise Skip('not an object')
                want = READERS[api](body, ix)
            except (Skip, ValueError, UnicodeDecodeError) as e:
                differences.append((path, ix['index'], api, [('checker', repr(e), '')]))
                continue
            checked += 1
            by_api[api] = by_api.get(api, 0) + 1
            d = compare(want, cassette_view(got))
            if d:
                differences.append((path, ix['index'], api, d))
    for path, index, api, d in differences:
        print(f'DIFF {path} #{index} ({api})')
        for field, want, got in d:
            print(f'  {field}:\n    reading:  {json.dumps(want)[:400]}\n    cassette: {json.dumps(got)[:400]}')
    print(f'{files} files, {checked} LLM requests checked '
          f'({", ".join(f"{k} {v}" for k, v in sorted(by_api.items()))}), '
          f'{without} LLM answers without a prompt (request not a JSON object), '
          f'{len(differences)} with differences')
    return 1 if differences else 0


if __name__ == '__main__':
    sys.exit(main())

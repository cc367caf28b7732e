#!/usr/bin/env python3
"""botocore as a SigV4 oracle with a fixed timestamp (shared/spec/aws-client.md §6.1).

  botosign.py golden DIR...   read DIR/context.json + DIR/request.txt (aws-c-auth layout) and
                              write canonical-request.txt, string-to-sign.txt, signature.txt,
                              authorization.txt
  botosign.py serve           JSON lines on stdin -> JSON lines on stdout, one per request:
      in : {"method", "url", "headers": [[name, value], ...], "body_b64",
            "params": [[key, value], ...] | null, "region", "service",
            "access_key", "secret_key", "token", "epoch"}   (epoch: seconds, UTC)
      out: {"canonical_request", "string_to_sign", "authorization"}

Only used to produce expected values for tests; never run in production.
"""
import base64
import datetime
import json
import os
import sys
from urllib.parse import unquote_to_bytes

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(method, url, headers, body, params, region, service, creds, amz_date,
         omit_token=False):
    req = AWSRequest(method=method, url=url, headers={}, data=body, params=params or {})
    for name, value in headers:
        req.headers[name] = value  # HTTPHeaders appends: repeated names are kept in order
    signing_creds = Credentials(creds.access_key, creds.secret_key,
                                None if omit_token else creds.token)
    auth = botocore.auth.SigV4Auth(signing_creds, service, region)
    req.context['timestamp'] = amz_date  # (A) no clock involved
    auth._modify_request_before_signing(req)
    creq = auth.canonical_request(req)
    sts = auth.string_to_sign(req, creq)
    signature = auth.signature(sts, req)
    auth._inject_signature_to_request(req, signature)
    return creq, sts, signature, req.headers['Authorization']


def parse_request_txt(text):
    """request.txt -> method, path, query, [(name, value)], body (folded lines joined by \\n)."""
    head, sep, body = text.partition('\n\n')
    lines = head.split('\n')
    request_line = lines[0]
    method, _, rest = request_line.partition(' ')
    target = rest[:rest.rindex(' HTTP/')]
    path, _, query = target.partition('?')
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        if line[0] in ' \t' and headers:
            headers[-1] = (headers[-1][0], headers[-1][1] + '\n' + line)
            continue
        name, _, value = line.partition(':')
        headers.append((name, value))
    return method, path, query, headers, body.encode('utf-8') if sep else b''


def query_params(query):
    """Wire query -> raw (decoded) pairs, so botocore encodes them itself."""
    pairs = []
    for pair in query.split('&'):
        if not pair:
            continue
        key, _, value = pair.partition('=')
        pairs.append((unquote_to_bytes(key).decode('utf-8'),
                      unquote_to_bytes(value).decode('utf-8')))
    return pairs


def golden(directory):
    with open(os.path.join(directory, 'context.json')) as f:
        context = json.load(f)
    with open(os.path.join(directory, 'request.txt'), encoding='utf-8', newline='') as f:
        method, path, query, headers, body = parse_request_txt(f.read())
    if not context.get('normalize', True):
        sys.exit(f'{directory}: normalize=false is not supported by this oracle')
    c = context['credentials']
    creds = Credentials(c['access_key_id'], c['secret_access_key'], c.get('token'))
    if context.get('sign_body'):
        headers.append(('x-amz-content-sha256', botocore.auth.sha256(body).hexdigest()))
    ts = context['timestamp']  # 2015-08-30T12:36:00Z
    amz_date = ts.replace('-', '').replace(':', '')
    url = context.get('url_prefix', 'https://example.amazonaws.com') + path
    creq, sts, signature, authorization = sign(
        method, url, headers, body, query_params(query), context['region'], context['service'],
        creds, amz_date, context.get('omit_session_token', False))
    for name, value in (('canonical-request.txt', creq), ('string-to-sign.txt', sts),
                        ('signature.txt', signature), ('authorization.txt', authorization)):
        with open(os.path.join(directory, name), 'w', encoding='utf-8', newline='') as f:
            f.write(value)


def serve():
    for line in sys.stdin:
        if not line.strip():
            continue
        r = json.loads(line)
        creds = Credentials(r['access_key'], r['secret_key'], r.get('token') or None)
        params = [tuple(p) for p in r['params']] if r.get('params') else None
        creq, sts, _, authorization = sign(
            r['method'], r['url'], [tuple(h) for h in r['headers']],
            base64.b64decode(r['body_b64']), params, r['region'], r['service'], creds,
            datetime.datetime.fromtimestamp(r['epoch'], datetime.timezone.utc)
            .strftime('%Y%m%dT%H%M%SZ'))
        sys.stdout.write(json.dumps({'canonical_request': creq, 'string_to_sign': sts,
                                     'authorization': authorization}) + '\n')
    sys.stdout.flush()


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == 'golden':
        for directory in sys.argv[2:]:
            golden(directory)
    elif len(sys.argv) == 2 and sys.argv[1] == 'serve':
        serve()
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()

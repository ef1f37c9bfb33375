"""Per-operator self time from libtorch chrome traces (profile.sh's): each event's duration less its children's on the
same thread, summed per operator name and grouped into the categories of docs/benchmarks.md's per-operator table.
  python3 operators.py NAME=TRACE:REPS ...   a markdown table, one column per trace (ms per timed run)
  python3 operators.py TRACE REPS [N]        the categories and the N costliest operators of one trace"""
import json, sys, collections
def load(path):
    txt = open(path).read()
    d = json.loads(txt)
    ev = d['traceEvents'] if isinstance(d, dict) else d
    return [e for e in ev if e.get('ph') == 'X' and 'dur' in e]
def selftimes(ev):
    by = collections.defaultdict(list)
    for e in ev:
        by[e.get('tid')].append(e)
    out = collections.Counter(); cnt = collections.Counter()
    for tid, es in by.items():
        es.sort(key=lambda e: (e['ts'], -e['dur']))
        stack = []
        for e in es:
            while stack and e['ts'] >= stack[-1]['ts'] + stack[-1]['dur'] - 1e-3:
                stack.pop()
            e['_child'] = 0.0
            if stack:
                stack[-1]['_child'] += e['dur']
            stack.append(e)
        for e in es:
            out[e['name']] += e['dur'] - e['_child']; cnt[e['name']] += 1
    return out, cnt
CATS = [('conv backward', ['convolution_backward', 'ConvolutionBackward']),
        ('conv forward', ['mkldnn_convolution', 'conv2d', 'aten::convolution', '_convolution', 'thnn_conv', 'slow_conv']),
        ('batch norm backward', ['batch_norm_backward', 'NativeBatchNormBackward', 'BatchNormBackward']),
        ('batch norm forward', ['native_batch_norm', 'batch_norm', '_batch_norm_impl_index', 'batch_norm_update_stats', '_native_batch_norm_legit']),
        ('relu', ['relu', 'threshold_backward', 'ReluBackward']),
        ('add/mul', ['aten::add', 'aten::mul', 'AddBackward', 'MulBackward', 'aten::add_', 'aten::mul_']),
        ('alloc/copy', ['aten::empty', 'aten::copy_', 'aten::zeros', 'aten::fill_', 'aten::zero_', 'aten::clone', 'resize_', 'empty_like', 'as_strided'])]
def cat(name):
    for c, keys in CATS:
        if any(k in name for k in keys):
            return c
    return 'other'
def one(path, reps, top):
    ev = load(path); reps = float(reps)
    st, cnt = selftimes(ev)
    tot = collections.Counter()
    for n, t in st.items():
        tot[cat(n)] += t
    print('total self ms/rep %.0f' % (sum(st.values()) / 1000 / reps))
    for c, t in sorted(tot.items(), key=lambda kv: -kv[1]):
        print('  %-22s %8.1f ms/rep' % (c, t / 1000 / reps))
    print('top ops:')
    for n, t in st.most_common(top):
        print('  %-45s %8.1f ms/rep  %6.1f calls/rep' % (n, t / 1000 / reps, cnt[n] / reps))


def table(specs):
    cols = []
    for spec in specs:
        name, rest = spec.split('=', 1); path, reps = rest.rsplit(':', 1)
        st, cnt = selftimes(load(path)); reps = float(reps)
        cat_t, cat_n = collections.Counter(), collections.Counter()
        for n, t in st.items():
            c = cat(n); cat_t[c] += t / 1000 / reps
            if n.startswith('aten::'): cat_n[c] += cnt[n] / reps
        cols.append((name, cat_t, cat_n, sum(st.values()) / 1000 / reps))
    cats = [c for c, _ in CATS] + ['other']
    print('| operator | ' + ' | '.join(n for n, *_ in cols) + ' |')
    print('|---|' + '---|' * len(cols))
    for c in cats:
        print('| %s | ' % c + ' | '.join('%.0f ms (%.0f aten events)' % (t[c], n[c]) for _, t, n, _ in cols) + ' |')
    print('| all (profiled self time) | ' + ' | '.join('%.0f ms' % tot for *_, tot in cols) + ' |')


if __name__ == '__main__':
    if '=' in sys.argv[1]:
        table(sys.argv[1:])
    else:
        one(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 25)

"""A developer probe for docs/benchmarks.md, "Real-scale rows" (never a dependency of defense-bench): the plain SGD
step or PGD-10 of reference_speed.py's `scale` mode on an ONNX file that `bench --mode scale --save-onnx` wrote, after
one untimed plain step: wall seconds, user and system CPU seconds and minor page faults (/proc/self/stat) per run, and
with a TRACE path torch.profiler's chrome trace of the timed runs. Run with /usr/bin/python3 from outside the checkout.
Arguments: ONNX plain|pgd BATCH REPS [TRACE]."""
import os, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import torch, torch.nn.functional as F
import reference_speed as rs

def stat():
    f = open('/proc/self/stat').read().rsplit(')', 1)[1].split()
    return int(f[7]), int(f[11]), int(f[12])

path, row, batch, reps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
prof = len(sys.argv) > 5
torch.manual_seed(0)
torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', '2')))
model = rs.OnnxNet(path)
x = torch.rand(batch, 3, 32, 32); y = torch.randint(0, 10, (batch,))
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
eps, alpha = 8 / 255, 2 / 255
def plain():
    model.train(); opt.zero_grad(); F.cross_entropy(model(x), y).backward(); opt.step()
def pgd():
    model.eval()
    rs.linf_pgd(model, x, lambda z: F.cross_entropy(z, y, reduction='sum'), eps, 10, alpha,
                x + torch.empty_like(x).uniform_(-eps, eps))
body = plain if row == 'plain' else pgd
plain()
if prof:
    p = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]); p.__enter__()
s0, t0 = stat(), time.time()
for _ in range(reps):
    body()
t1, s1 = time.time(), stat()
if prof:
    p.__exit__(None, None, None); p.export_chrome_trace(sys.argv[5])

print('%s %s batch %d threads %d: %.3f s/rep wall, user %.2f sys %.2f s/rep, minflt %d/rep' % (
    os.path.basename(path), row, batch, torch.get_num_threads(), (t1 - t0) / reps, (s1[1] - s0[1]) / 100 / reps,
    (s1[2] - s0[2]) / 100 / reps, (s1[0] - s0[0]) / reps))

# Writes the .npy fixtures of NpyFileTest with NumPy itself (run from outside the checkout:
# /usr/bin/python3 harness/api/src/test/resources/npy/make_fixtures.py DIR). Element i of every array is i / 8.
import sys
import numpy as np

out = sys.argv[1]
a = (np.arange(24, dtype=np.float32) / 8).reshape(2, 3, 4)
np.save(out + "/float32.npy", a)                       # format 1.0, '<f4'
np.save(out + "/float64-big-endian.npy", a.astype(">f8"))
with open(out + "/float32-v2.npy", "wb") as f:
    np.lib.format.write_array(f, a, version=(2, 0))    # format 2.0: a 4-byte header length
np.save(out + "/int64.npy", np.arange(6, dtype=np.int64).reshape(2, 3))
np.save(out + "/fortran.npy", np.asfortranarray(a))

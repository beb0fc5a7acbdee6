#!/usr/bin/python3
# run_fuzz.py TARGET SEEDS: runs a libFuzzer target for a bounded time
# (PEPAMO_FUZZ_SECONDS, 20 by default) on a copy of its seed corpus, so the
# source tree stays as it is; on a finding it prints the input that caused it.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import subprocess
import sys
import tempfile

target, seeds = sys.argv[1], sys.argv[2]
seconds = int(os.environ.get("PEPAMO_FUZZ_SECONDS", "20"))

with tempfile.TemporaryDirectory(prefix="pepamo-fuzz-") as work:
    corpus = os.path.join(work, "corpus")
    shutil.copytree(seeds, corpus)
    # A finding exits 1, not libFuzzer's default 77, which meson would read
    # as "skipped". A leak is a finding too (it found json-glib leaking
    # what follows a body's first JSON value).
    r = subprocess.run([target, f"-max_total_time={seconds}", "-timeout=10", "-rss_limit_mb=2048",
                        "-error_exitcode=1", "-max_len=65536", f"-artifact_prefix={work}/", corpus],
                       env=dict(os.environ, TMPDIR=work), timeout=seconds + 120)
    for name in sorted(os.listdir(work)):
        if name.split("-")[0] in ("crash", "leak", "timeout", "oom", "slow"):
            with open(os.path.join(work, name), "rb") as f:
                print(f"{name}: {f.read()[:4096]!r}", file=sys.stderr)
    sys.exit(r.returncode)

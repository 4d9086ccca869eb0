#!/usr/bin/env python3
"""bench/timeit.py — run one command and print how long it took.

    timeit.py [--stdin FILE] [--stdout FILE] [--stderr FILE] [--cwd DIR] -- CMD...

Prints `<wall seconds> <peak RSS in kB>` on stdout, where the peak RSS is
the largest resident set of the command and of every descendant it waited
for (wait4's ru_maxrss), and exits with the command's status.  The clock
starts just before the fork and stops when the command has been reaped, so
Python's own start-up is not counted.  The command's output goes to the
given files (default: /dev/null).
"""

import os
import sys
import time


def main(argv):
    opts = {"--stdin": os.devnull, "--stdout": os.devnull,
            "--stderr": os.devnull, "--cwd": None}
    i = 1
    while i < len(argv) and argv[i] != "--":
        if argv[i] not in opts or i + 1 >= len(argv):
            sys.stderr.write(f"timeit.py: bad option {argv[i]}\n")
            return 2
        opts[argv[i]] = argv[i + 1]
        i += 2
    cmd = argv[i + 1:]
    if not cmd:
        sys.stderr.write("timeit.py: no command\n")
        return 2
    fin = os.open(opts["--stdin"], os.O_RDONLY)
    fout = os.open(opts["--stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    ferr = os.open(opts["--stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            if opts["--cwd"]:
                os.chdir(opts["--cwd"])
            os.dup2(fin, 0)
            os.dup2(fout, 1)
            os.dup2(ferr, 2)
            os.execvp(cmd[0], cmd)
        except OSError as e:
            os.write(2, f"timeit.py: {cmd[0]}: {e}\n".encode())
        os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - t0
    print(f"{elapsed:.6f} {usage.ru_maxrss}")
    sys.stdout.flush()
    return os.waitstatus_to_exitcode(status) & 0xFF if os.WIFEXITED(status) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

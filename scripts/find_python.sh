#!/bin/sh
# Print the path of a working Python interpreter of version $1 (such as 3.13): pythonX.Y on
# PATH, else the newest pyenv install of that version. Prints nothing when there is none.
version="$1"
works() { "$1" -c 'import sys; sys.exit(0)' >/dev/null 2>&1; }
if command -v "python$version" >/dev/null 2>&1 && works "python$version"; then
    # A pyenv shim answers on PATH for versions it cannot run: ask the interpreter itself.
    "python$version" -c 'import sys; print(sys.executable)'
    exit 0
fi
root="${PYENV_ROOT:-$HOME/.pyenv}"
for candidate in $(ls -d "$root/versions/$version".* 2>/dev/null | sort -t. -k3 -n -r); do
    if works "$candidate/bin/python"; then
        echo "$candidate/bin/python"
        exit 0
    fi
done
exit 0

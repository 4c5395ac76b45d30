#!/usr/bin/env bash
# Creates (or reuses) the project's virtual environment in .venv and installs the
# framework in editable mode with its test extras. Plain venv + pip, no conda.
# Usage: ./install.sh [PYTHON]   (default: python3). Re-running is cheap: it only
# reinstalls when setup.py changed since the last successful install.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${1:-${PYTHON:-python3}}
VENV=.venv
STAMP=$VENV/.installed

if [ ! -x "$VENV/bin/python" ]; then
    echo "[install] creating virtual environment in $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
fi
if [ -f "$STAMP" ] && [ "$STAMP" -nt setup.py ] && "$VENV/bin/python" -c "import torch, torchvision, ltr, pytracking" 2>/dev/null; then
    echo "[install] environment up to date ($VENV)"
    exit 0
fi
echo "[install] installing dependencies (torch is resolved together with torchvision from PyPI)"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[test]"
# the VOT toolkit for tests/test_vot_integration.py, without its opencv-python requirement (it would replace the
# headless OpenCV build); its other requirements are in setup.py's test extra
"$VENV/bin/python" -m pip install --quiet --no-deps "vot-toolkit==0.9.0"
"$VENV/bin/python" -c "import torch, torchvision; print('[install] torch', torch.__version__, '| torchvision', torchvision.__version__)"
touch "$STAMP"

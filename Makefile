# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON := .venv/bin/python
DEMO_RESULTS := results/demo
DEMO_WORKSPACE := workspace/fdsiamfc_demo
STUDY_RESULTS := results/distill_study
STUDY_WORKSPACE := workspace/distill_study
CT_STUDY_RESULTS := results/compresstracker_study
CT_STUDY_WORKSPACE := workspace/compresstracker_study
REFINE_RESULTS := results/refine_study
REFINE_WORKSPACE := workspace/refine_study

.PHONY: install demo study ct-study refine-study test test-fast benchmark notebook clean

install: .venv/.installed

.venv/.installed: setup.py install.sh
	./install.sh

# Main job on the embedded default data (CPU, a few minutes): train a small SiamFC teacher on synthetic
# videos, compress it with FDSiamFC (FD schedule, candidate selection, fold), evaluate teacher, folded student
# and the KCF baseline on the synthetic benchmark (and the real OTB sample when present), print one table
# (scores, parameters, MACs, CPU FPS) and write plots. A second run reuses the finished training and results.
demo: install
	$(PYTHON) ltr/experiments/fdsiamfc_demo.py --workspace $(DEMO_WORKSPACE) --results-path $(DEMO_RESULTS)
	@echo "demo done: results in $(DEMO_RESULTS), plots in $(DEMO_RESULTS)/plots, training in $(DEMO_WORKSPACE)"

# CFKD's loss ablation in miniature (CPU, about 25 minutes): a teacher and six MobileNetV2 ATOM students
# (GT only, TS, TS+AH, +Fidelity, CFKD, TSKD) trained on synthetic videos, tracked and profiled in one table.
study: install
	$(PYTHON) ltr/experiments/distill_study.py --workspace $(STUDY_WORKSPACE) --results-path $(STUDY_RESULTS)

# CompressTracker's ablation in miniature (CPU, about 20 minutes): a ViT-tiny OSTrack teacher from scratch and
# CT-4 students (GT only, + replacement, + prediction guidance, + feature mimicking, all three, fixed p = 0.5)
# plus CT-2, trained on synthetic videos, tracked and profiled in one table.
ct-study: install
	$(PYTHON) ltr/experiments/compresstracker_study.py --workspace $(CT_STUDY_WORKSPACE) --results-path $(CT_STUDY_RESULTS)

# Alpha-Refine in miniature (CPU, about 18 minutes): the ResNet-18 refiner trained on synthetic videos with masks,
# KCF, the published FDSiamFC_30 and SiamFC, an ATOM and a CompressTracker student tracked with and without it.
refine-study: install
	$(PYTHON) ltr/experiments/refine_study.py --workspace $(REFINE_WORKSPACE) --results-path $(REFINE_RESULTS)

test: install
	$(PYTHON) -m pytest -q tests

# Quick local loop: the suite without the tests marked slow (end-to-end demo, study, notebook, DDP runs).
test-fast: install
	$(PYTHON) -m pytest -q -m "not slow" tests

# Speed goals (ratios measured in one run; not part of the tests). CSRT needs OpenCV's contrib build.
benchmark: install
	$(PYTHON) -m pip install --quiet opencv-contrib-python-headless
	$(PYTHON) benchmarks/analysis_speed.py
	$(PYTHON) benchmarks/siamfc_speed.py
	$(PYTHON) benchmarks/prroi_pool_speed.py
	$(PYTHON) benchmarks/atom_speed.py
	$(PYTHON) benchmarks/compresstracker_speed.py

# The analysis notebook in Jupyter (installs the notebook extra into .venv first). Results come from
# run_tracker / make demo; the notebook names the command when a tracker has none.
notebook: install
	$(PYTHON) -m pip install --quiet -e ".[notebook]"
	.venv/bin/jupyter notebook pytracking/notebooks/analyze_results.ipynb

clean:
	rm -rf $(DEMO_RESULTS) $(DEMO_WORKSPACE) $(STUDY_RESULTS) $(STUDY_WORKSPACE) $(CT_STUDY_RESULTS) \
		$(CT_STUDY_WORKSPACE) $(REFINE_RESULTS) $(REFINE_WORKSPACE) .pytest_cache

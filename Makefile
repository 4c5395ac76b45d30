# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON := .venv/bin/python
SHARED_OTB := ../shared/data/otb_sample
DEMO_RESULTS := results/demo

.PHONY: install demo test benchmark clean

install: .venv/.installed

.venv/.installed: setup.py install.sh
	./install.sh

# Main job on the embedded default data: the baseline tracker on the synthetic benchmark
# (generated on first use), then the analysis table and plots (and the real OTB sample when present).
demo: install
	$(PYTHON) pytracking/run_tracker.py kcf default --dataset synthetic --results-path $(DEMO_RESULTS)
	$(PYTHON) pytracking/run_analysis.py --dataset synthetic --results-path $(DEMO_RESULTS) \
		--trackers kcf/default --per-sequence --plot-dir $(DEMO_RESULTS)/plots/synthetic
	@if [ -d $(SHARED_OTB) ]; then \
		$(PYTHON) pytracking/run_tracker.py kcf default --dataset otb --dataset-path $(SHARED_OTB) \
			--sequence Football1 --results-path $(DEMO_RESULTS) && \
		$(PYTHON) pytracking/run_analysis.py --dataset otb --dataset-path $(SHARED_OTB) --sequences Football1 \
			--results-path $(DEMO_RESULTS) --trackers kcf/default --plot-dir $(DEMO_RESULTS)/plots/otb_sample; \
	fi
	@echo "demo done: results in $(DEMO_RESULTS), plots in $(DEMO_RESULTS)/plots"

test: install
	$(PYTHON) -m pytest -q tests

benchmark: install
	$(PYTHON) benchmarks/analysis_speed.py

clean:
	rm -rf $(DEMO_RESULTS) .pytest_cache

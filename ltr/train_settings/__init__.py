"""Training experiments: one settings file per experiment, ``ltr/train_settings/<module>/<name>.py``.

``python ltr/run_training.py <module> <name>`` imports the file and calls its ``run(settings)``
with an :class:`ltr.admin.settings.Settings` already holding the paths (``settings.env``), the
device, the distributed rank/world size, ``settings.seed``, ``settings.smoke`` and
``settings.resume``. Conventions every settings file follows:

1. Declare the experiment's defaults as attributes first, including ``settings.num_epochs``
   (the ``--epochs`` flag overrides it), then call ``settings.apply_overrides()`` so ``--set``
   items apply on top, and only then build anything. The trainer refuses to start otherwise.
2. Smoke mode (``--smoke``, ``settings.smoke is True``) must run anywhere in seconds, without
   datasets or weight files: when ``settings.smoke`` is set, pick a tiny batch size and small
   embedded synthetic data, and build every network (teachers included) with random weights
   instead of loading ``settings.env.network_path`` files. The trainer itself then stops after
   two iterations per loader and one epoch and loads data in the main process.
3. Build loaders with :class:`ltr.data.loader.LTRLoader` passing ``seed=settings.seed`` (resumed
   runs then see the same data), the model on the CPU (the trainer moves it to
   ``settings.device``), and finish with ``LTRTrainer(...).train(settings.num_epochs)``.

tests/ltr/test_smoke_all_settings.py runs every settings file found here with ``--smoke``.
``examples/`` holds a toy experiment that exercises the training core (not a tracking method).
"""

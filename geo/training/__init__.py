"""Training the learned parts (the recogniser, the resolver's ranker) on the dev sets
(``geo.learn.devsets``): what the training scripts and the benches' cross-validation share.
Needs scikit-learn (``requirements-dev.txt``); the pipeline itself never imports this."""

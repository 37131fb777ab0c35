"""Reproducible experiments: the acceptance measurements behind ``docs/RESULTS.md`` and the recipes
that regenerate the shipped pretrained weights.

    python -m lstm_viz.experiments              # measure and write docs/RESULTS.md
    python -m lstm_viz.experiments pretrain     # regenerate assets/pretrained/ (--check: compare bit for bit)
"""

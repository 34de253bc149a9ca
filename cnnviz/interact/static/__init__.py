"""Kernel-free interactive figures: sliders that respond on the published page, with no kernel.

:mod:`cnnviz.interact.static.base` holds :class:`StaticFigure` and the helpers every figure shares; each
chapter's figures live in a module named after the chapter (``googlenet``, ``vgg``, ``resnet``,
``resnext``, ...). Import them from there::

    from cnnviz.interact.static.googlenet import inception_cost_figure
"""

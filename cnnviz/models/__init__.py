"""The model zoo: one file per architecture family, each registering its networks by name.

>>> from cnnviz import models
>>> net = models.get("resnet20")          # doctest: +SKIP
>>> models.info("vgg16").paper.arxiv      # doctest: +SKIP
'1409.1556'
>>> models.names(family="VGG")            # doctest: +SKIP
['vgg11', 'vgg11_lrn', 'vgg13', 'vgg16_c', 'vgg16', 'vgg19']
"""

# Importing a family module registers its networks; the order is the book's order.
from cnnviz.models import (  # noqa: F401, I001 - registration order is the book order
    alexnet,
    zfnet,
    vgg,
    googlenet,
    resnet,
    cifar_resnet,
    nin,
    wide_resnet,
    resnext,
    stochastic_depth,
    fractalnet,
    densenet,
    squeezenet,
)
from cnnviz.models.base import ConvNet
from cnnviz.models.registry import (
    ModelInfo,
    Paper,
    datasets,
    families,
    from_torchvision,
    get,
    info,
    kwargs_of,
    names,
    torchvision_names,
)

__all__ = [
    "ConvNet",
    "ModelInfo",
    "Paper",
    "datasets",
    "families",
    "from_torchvision",
    "get",
    "info",
    "kwargs_of",
    "names",
    "torchvision_names",
]

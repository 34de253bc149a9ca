"""The ZFNet chapter's claim: the lecture's error figure and where it comes from."""

from __future__ import annotations

from cnnviz.analysis.claims import Bullet, Claim
from cnnviz.analysis.claims.make import paper

# The bullet of the notes this claim checks, as the notes write it.
ERROR = Bullet("zfnet.error", "ZFNet: Error: 11.7 (2013)")


def claims() -> list[Claim]:
    from cnnviz import models

    info = models.info("zfnet")
    return [
        paper("zfnet.error", "zfnet", "ZFNet: Error: 11.7 (2013)", "11.7%", 11.7, 100 * info.reported_error,
               f"{100 * info.reported_error:.1f}%", "russakovsky2015imagenet (ILSVRC-2013 classification results: Clarifai)",
               "11.7% is the ILSVRC-2013 winning entry (Clarifai, Zeiler's ensemble). The ZFNet paper's own best "
               "(zeiler2014visualizing, Table 2) is 14.8% top-5 test error for an ensemble of 6 networks.",
               credited="ILSVRC-2013 results, not the ZFNet paper", bullet=ERROR),
    ]

"""The voice text pipeline: plain Python with no Django import, so a Spark or batch job can use it too.

from gonghui.voice.pipeline import Document, cluster_documents
result = cluster_documents([Document(id="1", text="…"), …], progress=lambda f, stage: …)
result.to_json()

`cluster_documents` and `Params` live in `.cluster`, which brings scikit-learn, SciPy and the word
segmenter (about 1.5 s and 200 MB): it loads on first use, not when the package is imported, so a web
process or a command that never clusters never pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .types import ClusterResult, Document, IssueCluster, Strength

if TYPE_CHECKING:
    from .cluster import Params, cluster_documents

__all__ = ["ClusterResult", "Document", "IssueCluster", "Params", "Strength", "cluster_documents"]


def __getattr__(name: str) -> Any:
    if name in ("Params", "cluster_documents"):
        from . import cluster

        return getattr(cluster, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

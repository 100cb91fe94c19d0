"""The voice text pipeline: plain Python with no Django import, so a Spark or batch job can use it too.

from gonghui.voice.pipeline import Document, cluster_documents
result = cluster_documents([Document(id="1", text="…"), …], progress=lambda f, stage: …)
result.to_json()
"""

from .cluster import Params, cluster_documents
from .types import ClusterResult, Document, IssueCluster, Strength

__all__ = ["ClusterResult", "Document", "IssueCluster", "Params", "Strength", "cluster_documents"]

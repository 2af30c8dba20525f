"""kymon_bridge: a ComfyUI custom node with no nodes, only routes and a live event mirror.

Copy or symlink this folder into ComfyUI/custom_nodes/ and restart ComfyUI.
See bridge.py and Bridge/README.md for what it does.
"""

from .bridge import NODE_CLASS_MAPPINGS, NODE_DISPLAY_NAME_MAPPINGS

__all__ = ["NODE_CLASS_MAPPINGS", "NODE_DISPLAY_NAME_MAPPINGS"]

"""The server settings in .streamlit/config.toml do what the README and the classroom rely on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".streamlit" / "config.toml"

# Run from the repository (where `streamlit run app.py` reads .streamlit/config.toml): is a 1 MB element,
# the size of a long lesson's conveyor belt, one the server would later send as a cache reference?
CACHEABLE = """
from streamlit import config
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_cache import populate_hash_if_needed

config.get_config_options(force_reparse=True)
msg = ForwardMsg()
msg.delta.new_element.markdown.body = "x" * 1_000_000
populate_hash_if_needed(msg)
print(msg.metadata.cacheable, config.get_option("server.maxUploadSize"))
"""


def test_classroom_safety_settings():
    settings = tomllib.loads(CONFIG.read_text())
    assert settings["server"]["maxUploadSize"] == 5  # MB, as the README and the upload check say
    assert settings["server"]["enableXsrfProtection"] is True
    assert settings["browser"]["gatherUsageStats"] is False


def test_no_element_is_sent_as_a_cache_reference_the_browser_may_have_dropped():
    out = subprocess.run([sys.executable, "-c", CACHEABLE], cwd=ROOT, capture_output=True, text=True, check=True)
    cacheable, upload_mb = out.stdout.split()
    assert upload_mb == "5"  # the file was read
    assert cacheable == "False"

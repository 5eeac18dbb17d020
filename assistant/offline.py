"""Keep every model load on this machine: no hub look-ups, ever.

Import this module before anything that imports ``transformers`` or ``sentence_transformers``; it sets the
Hugging Face offline switches (without them a missing model spends a minute in retries) and turns telemetry off.
"""

import os

for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}.items():
    os.environ.setdefault(_name, _value)

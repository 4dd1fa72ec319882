#!/usr/bin/env bash
# Mutation check of the equivalence properties (tests/nn_equivalence.rs): each `*.patch` here
# breaks one backend of the networks (a wrong row block, a dropped bias, a swapped activation;
# tape, tape-free and fused), and the test must then fail. Not run in CI: each mutation is a
# rebuild of the crate (minutes on 2 cores).
#
#   nice -n 10 tests/mutations/run.sh              # every patch
#   nice -n 10 tests/mutations/run.sh PATCH...     # some
#
# Each patch is applied with `git apply`, the test is built (a patch that does not build is a
# broken patch, not a caught mutation) and run, and the patch is reverted whatever happens.
# Exit status 0 only if every mutation was caught. Needs a clean src/ (nothing to overwrite).
set -u
cd "$(git rev-parse --show-toplevel)"
if ! git diff --quiet -- src tests/nn_equivalence.proptest-regressions; then
    echo "src/ or the regression file has uncommitted changes; the mutations would mix with them" >&2
    exit 2
fi
if [ "$#" -eq 0 ]; then
    set -- tests/mutations/*.patch
fi
test_cmd=(cargo test --release -p rfm --test nn_equivalence)
# A failing property is not shrunk (only caught or not matters), and the seeds proptest saves
# on failure are not kept: the committed regression file is restored after each mutation.
export PROPTEST_MAX_SHRINK_ITERS=0
regressions=tests/nn_equivalence.proptest-regressions
failed=0
applied=""
revert() {
    if [ -n "$applied" ]; then
        git apply -R "$applied"
        applied=""
    fi
    git checkout --quiet -- "$regressions"
}
trap 'revert; exit 130' INT TERM
for patch in "$@"; do
    name=$(basename "$patch" .patch)
    if ! git apply "$patch"; then
        echo "$name: DOES NOT APPLY"
        failed=1
        continue
    fi
    applied=$patch
    log=$(mktemp)
    if ! "${test_cmd[@]}" --no-run >"$log" 2>&1; then
        echo "$name: DOES NOT BUILD (log: $log)"
        failed=1
    elif "${test_cmd[@]}" >>"$log" 2>&1; then
        echo "$name: SURVIVED (nn_equivalence passed; log: $log)"
        failed=1
    else
        caught=$(grep -E '^test .* FAILED$' "$log" | sed -e 's/^test //' -e 's/ \.\.\. FAILED$//' | tr '\n' ' ')
        echo "$name: caught by ${caught:-a failing test}"
        rm -f "$log"
    fi
    revert
done
exit "$failed"

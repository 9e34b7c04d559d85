#!/usr/bin/env bash
# Rebuilds the shipped models in models/ (perseus-sdss-member, perseus-sdss-pcc7) from the real data, with one
# command:  bash scripts/train-shipped-models.sh
# Each: `perseus prepare` on every magnitude (--max-mag none; member or pcc7 classes), `perseus train` with the
# default recipe (--recipe perseus) and the catalogue model off (a shipped model must work without a catalogue),
# then `perseus models export` (fp16 safetensors, checksum and figures into models/models.json). The test split
# (a quarter of the PCC objects, seed 42) and the spectroscopic objects stay out of training, so a shipped model
# can be judged on objects it never saw. Safe to run again: a finished step is kept, a killed training resumes.
# Environment: DATA (default ../shared/data/perseus), WORK (default out/shipped), PERSEUS (default
# .build/release/perseus, built when missing), SEED (default 1), CLASSES (default "member pcc7": which to rebuild).
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DATA:-../shared/data/perseus}
WORK=${WORK:-out/shipped}
PERSEUS=${PERSEUS:-.build/release/perseus}
SEED=${SEED:-1}
[ -d "$D/pcc" ] || { echo "no data in $D (set DATA to the folder laid out like ../shared/data/perseus)" >&2; exit 1; }
[ -x "$PERSEUS" ] || swift build -c release
mkdir -p "$WORK"
printf 'catalogueModel: false\n' > "$WORK/network-alone.yaml"

# The 3-fold cross-validated figures of the recipe's network alone (docs/results.md, "Cross-validation (issue 11)",
# rows "network"); the seven-class recipe has not been cross-validated yet.
CV_MEMBER="docs/results.md, Cross-validation (issue 11), network alone, 3 folds over 4177 objects: all magnitudes accuracy 0.946 ± 0.008, balanced accuracy 0.777 ± 0.047, member F1 0.677 ± 0.069, ROC AUC 0.922 ± 0.035; bright (r <= 19.4) accuracy 0.916 ± 0.061; spectroscopic objects accuracy 0.956 ± 0.020"
CV_PCC7="docs/results.md, The PCC's seven classes, cross-validated (issue 18): the same recipe, 3 folds over 4052 PCC objects: accuracy 0.619 ± 0.004, macro F1 0.290 ± 0.012; F1 likely dE 0.678, LTG 0.409, background ETG 0.775, edge-on 0.156, possible dE, weak substructure and mergers about 0; as membership (dE classes summed) balanced accuracy 0.758 ± 0.003, member F1 0.640 ± 0.021"

for classes in ${CLASSES:-member pcc7}; do
    data="$WORK/data-$classes" run="$WORK/run-$classes"
    if [ ! -f "$data/objects.csv" ]; then
        "$PERSEUS" prepare --catalog "$D/pcc/PCC_cat.txt" --photometry "$D/pcc/sdss_crossmatch_bright.csv" \
            --spectra "$D/spec/spec_search_45arcmin.csv" --images "$D/pcc/cutouts" --images-wide "$D/pcc/cutouts-400" \
            --spectra-images "$D/spec/cutouts" --max-mag none --classes "$classes" --out "$data"
    fi
    if [ -f "$run/config.yaml" ]; then
        "$PERSEUS" train --data "$data" --out "$run" --resume
    else
        "$PERSEUS" train --data "$data" --out "$run" --recipe perseus --config "$WORK/network-alone.yaml" --seed "$SEED"
    fi
    cv=$CV_MEMBER; [ "$classes" = member ] || cv=$CV_PCC7
    "$PERSEUS" models export --run "$run" --name "perseus-sdss-$classes" --data "$data" --cross-validated "$cv" --models models
done
"$PERSEUS" models

# Sourced by scripts/shard-check.sh and scripts/slurm/cluster-check.sh.
# catalogue CUTOUTS ROWS FILE: a CSV of ROWS rows (name, ra, dec, file) whose files point cyclically at the cutouts
# in the folder CUTOUTS (as cutouts/NAME), every 101st row naming one that does not exist. Row r is the same in every
# catalogue, so a shorter one is a prefix of a longer.
catalogue() {
    ls "$1" | awk -v rows="$2" '{ f[n++] = $0 } END {
        print "name,ra,dec,file"
        for (r = 0; r < rows; r++) {
            file = (r % 101 == 100) ? "cutouts/absent.png" : "cutouts/" f[r % n]
            printf "OBJ-%d,%.4f,%.4f,%s\n", r, (r % 3600) * 0.1, -30 + int(r / 3600) * 0.001, file
        }
    }' > "$3"
}

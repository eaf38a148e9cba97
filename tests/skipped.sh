#!/bin/sh
# The last line of `make test`: what the run skipped and why, by reason (those that stopped whole tests
# first) and by file. A bare count is of whole tests; checks left out inside tests that ran say so.
# `skipped: none` when nothing was. E.g.
#   skipped: 2 tests, 1 check — python env missing (tests/gunicorn.rs: 2), a busy machine (tests/mixed.rs: 1 check)
# Each skip is a file in DIR holding one line kind<TAB>why<TAB>file<TAB>test (tests/common/skip.rs).
dir=${1:?usage: tests/skipped.sh DIR}
find "$dir" -name '*.skip' -type f -exec cat {} + 2>/dev/null | sort -t "$(printf '\t')" -k1,1r -k2,2 -k3,3 |
awk -F '\t' '
	function plural(n, word) { return n " " word (n == 1 ? "" : "s") }
	{
		kinds[$1]++
		if (!($2 in files)) { whys[++nwhy] = $2; files[$2] = "" }
		if (!(($2, $3) in seen)) { seen[$2, $3] = 1; files[$2] = files[$2] (files[$2] == "" ? "" : SUBSEP) $3 }
		count[$1, $2, $3]++
	}
	END {
		if (NR == 0) { print "skipped: none"; exit }
		total = ""
		if (kinds["test"]) total = plural(kinds["test"], "test")
		if (kinds["check"]) total = total (total == "" ? "" : ", ") plural(kinds["check"], "check")
		line = "skipped: " total " —"
		for (i = 1; i <= nwhy; i++) {
			why = whys[i]
			n = split(files[why], fs, SUBSEP)
			part = ""
			for (j = 1; j <= n; j++) {
				t = count["test", why, fs[j]]; c = count["check", why, fs[j]]
				what = (t ? t : "") (t && c ? " + " : "") (c ? plural(c, "check") : "")
				part = part (j > 1 ? ", " : "") fs[j] ": " what
			}
			line = line (i > 1 ? "," : "") " " why " (" part ")"
		}
		print line
	}'

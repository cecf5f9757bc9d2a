#!/usr/bin/env bash
# Runs the benchmark suite (about half an hour on 2 cores) and writes
#   benchmarks/results/<date>.json            JMH's raw results of every invocation below, merged
#   benchmarks/results/<date>-footprint.json  memory per instance (when the jar has Footprint)
#   benchmarks/results/<date>-startup-cold.json  first starts of fresh JVMs (with the startup benchmarks)
#   docs/benchmarks.md                        the results section: tables, ratios, targets, command, JDK, machine
#   docs/benchmarks.svg                       the chart at the top of that section
# JMH is invoked up to three times:
#   1. the whole suite on the default JDK, except the startup benchmarks;
#   2. the startup benchmarks, single-shot, with their own options (STARTUP_OPTIONS);
#   3. a subset (JDK25_BENCHMARKS) on JDK 25, for the table comparing both JDKs: JDK25_HOME if set,
#      else a JDK 25 installed beside the default one; skipped with a note when there is none.
# Usage, from anywhere in the repository:  benchmarks/run.sh [extra JMH options, e.g. a benchmark regex]
# Extra options go to the first invocation only, and 2 and 3 are then skipped unless
# STARTUP_BENCHMARKS or JDK25_BENCHMARKS is set in the environment.
# JMH_OPTIONS_OVERRIDE replaces JMH_OPTIONS of 1 and 3 (e.g. for a quick check that the script works).
set -euo pipefail

cd "$(dirname "$0")/.."

# Five warm-up iterations of 2 s: with four of 1 s, resilience4j's rows still drifted in their first
# measured iteration on 2 cores (the report checks this for every row of ours and resilience4j).
JMH_OPTIONS=(-f 1 -wi 5 -w 2s -i 5 -r 2s -prof gc)
if [[ -n "${JMH_OPTIONS_OVERRIDE:-}" ]]; then
	read -r -a JMH_OPTIONS <<<"$JMH_OPTIONS_OVERRIDE"
fi
# Warm starts in one JVM: 40 warm-up starts, since start times were still falling after 25.
STARTUP_OPTIONS=(-f 3 -wi 40 -i 20 -bm ss -tu ms)
# Cold starts: the first start of a fresh JVM, class loading included, once per fork.
STARTUP_COLD_OPTIONS=(-f 10 -wi 0 -i 1 -bm ss -tu ms)
if [[ -n "${STARTUP_OPTIONS_OVERRIDE:-}" ]]; then
	read -r -a STARTUP_OPTIONS <<<"$STARTUP_OPTIONS_OVERRIDE"
fi
if (($# == 0)); then
	STARTUP_BENCHMARKS="${STARTUP_BENCHMARKS:-StartupBenchmarks}"
	JDK25_BENCHMARKS="${JDK25_BENCHMARKS:-CallBenchmarks\.(noProxy|floor|ours|resilience4j)(CircuitBreaker|Retry|Bulkhead|Stack)?\$|MetricsOnBenchmarks|SharedBreaker}"
else
	STARTUP_BENCHMARKS="${STARTUP_BENCHMARKS:-}"
	JDK25_BENCHMARKS="${JDK25_BENCHMARKS:-}"
fi
jar=benchmarks/target/benchmarks.jar

# The java of JDK 25: JDK25_HOME, else a sibling of the default JDK's installation directory in
# the folder that holds the JVMs (Linux packages, SDKMAN, and macOS's <jdk>/Contents/Home layout).
find_jdk25() {
	local java home suffix candidate
	if [[ -n "${JDK25_HOME:-}" ]]; then
		echo "$JDK25_HOME/bin/java"
		return
	fi
	java="$(readlink -f "$(command -v java)")" || return 0
	home="$(dirname "$(dirname "$java")")"
	[[ "$(basename "$home")" == jre ]] && home="$(dirname "$home")"
	suffix=""
	if [[ "$home" == */Contents/Home ]]; then
		home="${home%/Contents/Home}"
		suffix=/Contents/Home
	fi
	for candidate in "$(dirname "$home")"/*; do
		if [[ -x "$candidate$suffix/bin/java" ]] && is_jdk25 "$candidate$suffix/bin/java"; then
			echo "$candidate$suffix/bin/java"
			return
		fi
	done
}
is_jdk25() {
	"$1" -version 2>&1 | grep -qE 'version "25([.+"-]|$)'
}

# Before the long run, so that a wrong JDK25_HOME fails at once.
jdk25=""
if [[ -n "$JDK25_BENCHMARKS" ]]; then
	jdk25="$(find_jdk25)"
	if [[ -n "$jdk25" ]] && ! is_jdk25 "$jdk25"; then
		echo "JDK25_HOME=$JDK25_HOME: its bin/java is not a JDK 25" >&2
		exit 1
	fi
	if [[ -z "$jdk25" ]]; then
		echo "Note: no JDK 25 found (set JDK25_HOME); the JDK 17 and JDK 25 rows are skipped." >&2
	fi
fi

mvn -q -B -ntp -pl benchmarks -am package -Pbenchmarks -DskipTests

load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime | sed 's/.*load averages*: //')"
stamp="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
mkdir -p benchmarks/results
json="benchmarks/results/${stamp}.json"
parts="$(mktemp -d)"
trap 'rm -rf "$parts"' EXIT

# The default JDK's results first: the report takes the JDK of the first result as the one its tables are about.
java -jar "$jar" "${JMH_OPTIONS[@]}" -e 'StartupBenchmarks' -rf json -rff "$parts/1-suite.json" "$@"
command="java -jar $jar ${JMH_OPTIONS[*]} -rf json -e StartupBenchmarks${*:+ $*}"

startup_cold=()
if [[ -n "$STARTUP_BENCHMARKS" ]]; then
	# JMH fails on "No matching benchmarks", and the startup benchmarks may not be in every checkout.
	if java -jar "$jar" -l "$STARTUP_BENCHMARKS" >"$parts/startup.list" && grep -q 'StartupBenchmarks' "$parts/startup.list"; then
		java -jar "$jar" "${STARTUP_OPTIONS[@]}" -rf json -rff "$parts/2-startup.json" "$STARTUP_BENCHMARKS"
		command+="; then java -jar $jar ${STARTUP_OPTIONS[*]} -rf json '$STARTUP_BENCHMARKS'"
		# Kept apart from the merged results: the cold rows have the warm rows' names.
		startup_cold_json="benchmarks/results/${stamp}-startup-cold.json"
		java -jar "$jar" "${STARTUP_COLD_OPTIONS[@]}" -rf json -rff "$startup_cold_json" \
			'StartupBenchmarks\.(baseline|ours|resilience4j)$'
		sed -i -E 's#"jvm" *: *"[^"]*"#"jvm" : "java"#' "$startup_cold_json"
		startup_cold=(-Dreport.startup.cold="$startup_cold_json")
		command+="; then java -jar $jar ${STARTUP_COLD_OPTIONS[*]} -rf json 'StartupBenchmarks\.(baseline|ours|resilience4j)\$'"
	else
		echo "Note: no benchmark matches '$STARTUP_BENCHMARKS'; the startup rows are skipped." >&2
	fi
fi

if [[ -n "$jdk25" ]]; then
	if java -jar "$jar" -l "$JDK25_BENCHMARKS" >"$parts/jdk25.list" && grep -q '^dev\.' "$parts/jdk25.list"; then
		java -jar "$jar" "${JMH_OPTIONS[@]}" -jvm "$jdk25" -rf json -rff "$parts/3-jdk25.json" "$JDK25_BENCHMARKS"
		command+="; then the same with -jvm <JDK 25's java> ${JMH_OPTIONS[*]} -rf json '$JDK25_BENCHMARKS'"
	else
		echo "Note: no benchmark matches '$JDK25_BENCHMARKS'; the JDK 25 rows are skipped." >&2
	fi
fi

java -cp "$jar" dev.resilience.benchmarks.MergeResults "$json" "$parts"/*.json
# JMH records where the JVM is installed; keep the results free of this machine's paths.
sed -i -E 's#"jvm" *: *"[^"]*"#"jvm" : "java"#' "$json"

footprint=()
# The zip's directory names each class in plain text: this finds the class without a jar tool.
if grep -qF 'dev/resilience/benchmarks/Footprint.class' "$jar"; then
	footprint_json="benchmarks/results/${stamp}-footprint.json"
	java -cp "$jar" dev.resilience.benchmarks.Footprint "$footprint_json"
	footprint=(-Dreport.footprint="$footprint_json")
fi

cpu="$( (grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//') \
	|| sysctl -n machdep.cpu.brand_string 2>/dev/null || echo unknown)"
jdk="$(java -XshowSettings:properties -version 2>&1 \
	| awk -F' = ' '/java.vm.name/ {name=$2} /java.runtime.version/ {version=$2} END {print name " " version}')"

java -Dreport.command="benchmarks/run.sh${*:+ $*} ($command)" \
	-Dreport.jdk="$jdk" \
	-Dreport.cpus="$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)" \
	-Dreport.cpu="${cpu:-unknown}" \
	-Dreport.load="$load" \
	-Dreport.date="$(date -u '+%Y-%m-%d %H:%M UTC')" \
	${footprint[@]+"${footprint[@]}"} \
	${startup_cold[@]+"${startup_cold[@]}"} \
	-cp "$jar" dev.resilience.benchmarks.ReportWriter "$json" docs/benchmarks.md

#!/usr/bin/env bash
# Runs the whole benchmark suite (about 10 minutes on 2 cores) and writes
#   benchmarks/results/<date>.json   JMH's raw results
#   docs/benchmarks.md               the results section: tables, ratios, targets, command, JDK, machine
# Usage, from anywhere in the repository:  benchmarks/run.sh [extra JMH options, e.g. a benchmark regex]
set -euo pipefail

cd "$(dirname "$0")/.."

mvn -q -B -ntp -pl benchmarks -am package -Pbenchmarks -DskipTests

JMH_OPTIONS=(-f 1 -wi 4 -w 1s -i 5 -r 2s -prof gc)
load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime | sed 's/.*load averages*: //')"
stamp="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
mkdir -p benchmarks/results
json="benchmarks/results/${stamp}.json"

java -jar benchmarks/target/benchmarks.jar "${JMH_OPTIONS[@]}" -rf json -rff "$json" "$@"
# JMH records where the JVM is installed; keep the results free of this machine's paths.
sed -i -E 's#"jvm" *: *"[^"]*"#"jvm" : "java"#' "$json"

cpu="$( (grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//') \
	|| sysctl -n machdep.cpu.brand_string 2>/dev/null || echo unknown)"
jdk="$(java -XshowSettings:properties -version 2>&1 \
	| awk -F' = ' '/java.vm.name/ {name=$2} /java.runtime.version/ {version=$2} END {print name " " version}')"

java -Dreport.command="benchmarks/run.sh${*:+ $*} (java -jar benchmarks/target/benchmarks.jar ${JMH_OPTIONS[*]} -rf json)" \
	-Dreport.jdk="$jdk" \
	-Dreport.cpus="$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)" \
	-Dreport.cpu="${cpu:-unknown}" \
	-Dreport.load="$load" \
	-Dreport.date="$(date -u '+%Y-%m-%d %H:%M UTC')" \
	-cp benchmarks/target/benchmarks.jar dev.resilience.benchmarks.ReportWriter "$json" docs/benchmarks.md

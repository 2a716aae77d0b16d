# Splits JFR execution samples (`jfr print --events jdk.ExecutionSample`) into parts of the taxi
# jobs by the frames on each sample's stack; the first matching part wins, in the order below.
/jdk.ExecutionSample/ { if (stack != "") classify(); stack = ""; next }
/^[ \t]+[a-zA-Z].*line:/ { stack = stack "|" $1 }
END {
  if (stack != "") classify()
  for (p in count) printf "%5d %5.1f%%  %s\n", count[p], 100 * count[p] / total, p | "sort -rn"
}
function classify(  part) {
  total++
  if (stack ~ /ClassLoader\.(loadClass|defineClass)|ZipFile|URLClassPath|Class\.forName/) part = "class loading (start-up)"
  else if (stack ~ /WatermarkManager|QuiescenceDriver|WatermarkCallbackExecutor|ExecutorServiceParallelExecutor\$2/) part = "DirectRunner monitor loop (watermarks, timers)"
  else if (stack ~ /CsvFileReader/) part = "CSV reading (CsvFileReader)"
  else if (stack ~ /CsvRowParser/) part = "CSV values to Rows (CsvRowParser)"
  else if (stack ~ /parquet.*[Ww]rite|RowParquetWriter|RowFileWriter/) part = "Parquet writing"
  else if (stack ~ /ExactSum/) part = "exact sums (ExactSum)"
  else if (stack ~ /parquet|ReadParquetRows|RowReadSupport/) part = "Parquet reading"
  else if (stack ~ /GroupTotals/) part = "folding into groups (GroupTotals)"
  else if (stack ~ /org\.apache\.spark|scala\./) part = "Spark (scheduler, serialization)"
  else if (stack ~ /org\.apache\.beam/) part = "Beam SDK/runner, other"
  else part = "other (JDK threads, JIT-compiled glue, logging)"
  count[part]++
}

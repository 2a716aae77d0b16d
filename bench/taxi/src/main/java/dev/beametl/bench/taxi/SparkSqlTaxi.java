package dev.beametl.bench.taxi;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The baseline: the same staging and gold written directly as Spark SQL DataFrame jobs, the way a
 * user would without Beam (typed CSV read with a schema, Parquet out; groupBy/agg).
 *
 * <p>{@code SparkSqlTaxi staging <csv glob> <dir> <master>} and {@code SparkSqlTaxi gold <dir> <dir> <master>}
 */
public final class SparkSqlTaxi {
  private SparkSqlTaxi() {}

  public static void main(String[] args) {
    String step = args[0];
    SparkSession spark =
        SparkSession.builder().appName("spark-sql-taxi-" + step).master(args.length > 3 ? args[3] : "local[2]")
            .config("spark.ui.enabled", "false")
            // Without it Spark 3 fails the job on the first impossible timestamp instead of reading a null.
            .config("spark.sql.legacy.timeParserPolicy", "CORRECTED")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      if (step.equals("staging")) {
        staging(spark, args[1], args[2]);
      } else {
        gold(spark, args[1], args[2]);
      }
    } finally {
      spark.stop();
    }
  }

  static void staging(SparkSession spark, String input, String output) {
    StructType raw =
        new StructType()
            .add("vendorid", DataTypes.LongType)
            .add("lpep_pickup_datetime", DataTypes.TimestampType)
            .add("lpep_dropoff_datetime", DataTypes.TimestampType)
            .add("store_and_fwd_flag", DataTypes.StringType)
            .add("ratecodeid", DataTypes.LongType)
            .add("pulocationid", DataTypes.LongType)
            .add("dolocationid", DataTypes.LongType)
            .add("passenger_count", DataTypes.LongType)
            .add("trip_distance", DataTypes.DoubleType)
            .add("fare_amount", DataTypes.DoubleType)
            .add("extra", DataTypes.DoubleType)
            .add("mta_tax", DataTypes.DoubleType)
            .add("tip_amount", DataTypes.DoubleType)
            .add("tolls_amount", DataTypes.DoubleType)
            .add("ehail_fee", DataTypes.StringType)
            .add("improvement_surcharge", DataTypes.DoubleType)
            .add("total_amount", DataTypes.DoubleType)
            .add("payment_type", DataTypes.LongType)
            .add("trip_type", DataTypes.LongType)
            .add("congestion_surcharge", DataTypes.DoubleType);
    Dataset<Row> trips =
        spark.read().option("header", "true").option("timestampFormat", "yyyy-MM-dd HH:mm:ss").schema(raw).csv(input)
            .drop("congestion_surcharge");
    trips.write().mode("overwrite").option("compression", "snappy").parquet(output);
  }

  static void gold(SparkSession spark, String input, String output) {
    Dataset<Row> gold =
        spark.read().parquet(input)
            .groupBy("pulocationid", "trip_type", "payment_type")
            .agg(
                sum("fare_amount").as("total_fare_amount"),
                count(lit(1)).as("trip_count"),
                sum("trip_distance").as("total_trip_distance"),
                sum("tip_amount").as("total_tip_amount"),
                sum("total_amount").as("total_amount"));
    gold.coalesce(1).write().mode("overwrite").option("compression", "snappy").parquet(output);
  }
}

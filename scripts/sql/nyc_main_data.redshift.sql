-- Redshift table loaded by `taxi-gold --loadTo=redshift` (COPY ... FORMAT AS PARQUET).
-- COPY from Parquet maps columns by position: keep this column order, the gold's order.
-- Run once, as a user allowed to create the schema; the load itself only needs DELETE and INSERT.
CREATE SCHEMA IF NOT EXISTS nyc;

CREATE TABLE IF NOT EXISTS nyc.main_data (
  pulocationid        BIGINT,            -- null: trips with no pickup zone form their own group
  trip_type           BIGINT,            -- null for trips the TLC left without one
  payment_type        BIGINT,
  total_fare_amount   DOUBLE PRECISION,  -- sums skip nulls; null when the group has no value
  trip_count          BIGINT NOT NULL,
  total_trip_distance DOUBLE PRECISION,
  total_tip_amount    DOUBLE PRECISION,
  total_amount        DOUBLE PRECISION
)
DISTSTYLE ALL                            -- a few thousand rows: a copy on every node joins cheaply
SORTKEY (pulocationid);

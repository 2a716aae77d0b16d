package dev.beametl.transforms.parquet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.BinaryStatistics;
import org.apache.parquet.column.statistics.BooleanStatistics;
import org.apache.parquet.column.statistics.DoubleStatistics;
import org.apache.parquet.column.statistics.FloatStatistics;
import org.apache.parquet.column.statistics.IntStatistics;
import org.apache.parquet.column.statistics.LongStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.ReadableInstant;

/**
 * Rows of a flat schema encoded into Parquet pages here, and the finished pages handed to
 * parquet-mr's file writer (which writes the page headers, the column and offset indexes and the
 * footer). parquet-mr's column writers cost about 1 µs a row on taxi's 19 columns: a virtual call,
 * a dictionary fallback check and an RLE encoder step for every value. Here a page's values wait
 * in a primitive array, column by column, and are encoded in one pass when the page is full.
 *
 * <p>The rules are parquet-mr's defaults, so the files are the ones parquet-avro writes, byte for
 * byte where the choices fall the same way (ParquetRoundTripTest): pages of 20,000 rows (and at
 * most 1 MiB of strings); a dictionary per column chunk until it passes 1 MiB, given up at once if
 * the first page is not smaller with it; the page after a give-up and the rest of the chunk PLAIN;
 * definition levels and dictionary indices in the RLE/bit-packed hybrid; Snappy; row groups cut
 * near 128 MiB of encoded pages. Memory: the chunk's compressed pages and one page of values per
 * column. Measured with {@code bench/run-fast-paths --parts=parquet-write} (1.57M taxi staging rows
 * into one file, one thread, medians of 5, load 1.2-1.8): 0.77 s, against 1.22 s through
 * parquet-mr's column writers and 1.81 s through its record consumer, the same bytes all three;
 * taxi-staging on 5M rows, Spark local[2]: 0.88x of the wall time (docs/taxi.md, "Parquet pages
 * encoded by the writer").
 */
final class RowColumnsWriter {
  private static final int PAGE_ROWS = ParquetProperties.DEFAULT_PAGE_ROW_COUNT_LIMIT;
  private static final int PAGE_BYTES = ParquetProperties.DEFAULT_PAGE_SIZE;
  private static final int DICTIONARY_BYTES = ParquetProperties.DEFAULT_DICTIONARY_PAGE_SIZE;
  private static final long ROW_GROUP_BYTES = ParquetWriter.DEFAULT_BLOCK_SIZE;
  private static final int ROWS_BETWEEN_SIZE_CHECKS = 1_000;

  private final ParquetFileWriter file;
  private final CodecFactory codecs;
  private final Map<String, String> metadata;
  private final Column[] columns;
  private final long rowGroupBytes;
  private int rows;

  RowColumnsWriter(OutputFile out, Schema schema) throws IOException {
    this(out, schema, ROW_GROUP_BYTES);
  }

  /** With row groups cut at {@code rowGroupBytes} of encoded pages (tests cut small ones). */
  RowColumnsWriter(OutputFile out, Schema schema, long rowGroupBytes) throws IOException {
    this.rowGroupBytes = rowGroupBytes;
    org.apache.avro.Schema avro = AvroUtils.toAvroSchema(schema);
    MessageType parquetSchema = new AvroSchemaConverter().convert(avro);
    // The footer as parquet-avro writes it (the Avro schema, then the model's name), so Avro readers see the same file.
    this.metadata = new HashMap<>(Map.of("parquet.avro.schema", avro.toString()));
    metadata.put("writer.model.name", "avro");
    ParquetProperties defaults = ParquetProperties.builder().build();
    this.codecs = new CodecFactory(new Configuration(), defaults.getPageSizeThreshold());
    Pages pages = new Pages(codecs.getCompressor(CompressionCodecName.SNAPPY));
    List<ColumnDescriptor> descriptors = parquetSchema.getColumns();
    this.columns = new Column[descriptors.size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = Column.of(schema.getField(i).getType().getTypeName(), descriptors.get(i), pages);
    }
    this.file = new ParquetFileWriter(out, parquetSchema, ParquetFileWriter.Mode.CREATE, ROW_GROUP_BYTES,
        ParquetWriter.MAX_PADDING_SIZE_DEFAULT, defaults.getColumnIndexTruncateLength(),
        defaults.getStatisticsTruncateLength(), defaults.getPageWriteChecksumEnabled());
    file.start();
  }

  void write(Row row) throws IOException {
    for (int i = 0; i < columns.length; i++) {
      columns[i].add(row.getValue(i));
    }
    rows++;
    if (rows % ROWS_BETWEEN_SIZE_CHECKS == 0 && bufferedBytes() >= rowGroupBytes) {
      writeRowGroup();
    }
  }

  void close() throws IOException {
    if (rows > 0) {
      writeRowGroup();
    }
    file.end(metadata);
    codecs.release();
  }

  private long bufferedBytes() {
    long bytes = 0;
    for (Column c : columns) {
      bytes += c.bufferedBytes();
    }
    return bytes;
  }

  private void writeRowGroup() throws IOException {
    file.startBlock(rows);
    for (Column c : columns) {
      c.writeChunk(file);
    }
    file.endBlock();
    rows = 0;
  }

  /** A finished page: its compressed bytes and what its header and the column index say of it. */
  private record Page(byte[] bytes, int uncompressedSize, int rows, Statistics<?> statistics, Encoding encoding) {}

  /** The one page buffer and compressor all columns of a file encode with, one page at a time. */
  private record Pages(BytesInputCompressor compressor, PageBuffer buffer) {
    Pages(BytesInputCompressor compressor) {
      this(compressor, new PageBuffer());
    }
  }

  /**
   * One column of the current row group: its finished pages, its dictionary while it is used,
   * and the page being filled (whether each row has a value, and the values there are).
   */
  private abstract static class Column {
    final ColumnDescriptor descriptor;
    final boolean optional;
    private final Pages pages;
    private final List<Page> finished = new ArrayList<>();
    private long finishedBytes;
    private int chunkRows;
    private final boolean[] present = new boolean[PAGE_ROWS];
    int pageRows;
    int pageValues;
    /** Dictionary ids of the page's values, and the chunk's dictionary: used by a page yet, given up. */
    final int[] ids = new int[PAGE_ROWS];
    private boolean dictionaryUsed;
    private boolean dictionaryGivenUp;
    private int dictionarySizeUsed;

    Column(ColumnDescriptor descriptor, Pages pages) {
      this.descriptor = descriptor;
      this.optional = descriptor.getMaxDefinitionLevel() > 0;
      this.pages = pages;
    }

    static Column of(Schema.TypeName type, ColumnDescriptor descriptor, Pages pages) {
      return switch (type) {
        case INT64, DATETIME, INT32, DOUBLE, FLOAT -> new FixedWidthColumn(type, descriptor, pages);
        case STRING -> new StringColumn(descriptor, pages);
        case BOOLEAN -> new BooleanColumn(descriptor, pages);
        default -> throw new IllegalArgumentException("no Parquet column for " + type);
      };
    }

    final void add(@Nullable Object value) throws IOException {
      if (value == null) {
        if (!optional) {
          throw new IllegalArgumentException("null in the required column " + descriptor.getPath()[0]);
        }
        present[pageRows++] = false;
      } else {
        present[pageRows++] = true;
        append(value);
        pageValues++;
      }
      if (pageRows == PAGE_ROWS || pageFull()) {
        endPage();
      }
    }

    /** Keeps the page's next value. */
    abstract void append(Object value);

    /** Whether the page's values reached a page's bytes before its rows. */
    boolean pageFull() {
      return false;
    }

    abstract long pageBytes();

    /**
     * Sets {@link #ids} for the page's values, adding new ones to the chunk's dictionary; false,
     * with the dictionary as it was before the page, once it would pass {@code DICTIONARY_BYTES}.
     * A column with no dictionary (booleans) says false at once.
     */
    boolean assignIds() {
      return false;
    }

    /** The chunk's dictionary: its size, its bytes, cut back to a size, written PLAIN, forgotten. */
    int dictionarySize() {
      return 0;
    }

    long dictionaryBytes() {
      return 0;
    }

    void truncateDictionary(int size) {}

    void writeDictionary(int size, PageBuffer out) {}

    void clearDictionary() {}

    abstract void writePlain(PageBuffer out);

    abstract void updateStatistics(Statistics<?> statistics);

    /** Lets go of the page's values (they are encoded). */
    void clearPage() {}

    long bufferedBytes() {
      return finishedBytes + pageBytes() + (dictionaryGivenUp ? 0 : dictionaryBytes());
    }

    private void endPage() throws IOException {
      if (pageRows == 0) {
        return;
      }
      PageBuffer out = pages.buffer();
      out.reset();
      if (optional) {
        writeDefinitionLevels(out);
      }
      int valuesAt = out.size();
      Encoding encoding = Encoding.PLAIN;
      if (!dictionaryGivenUp && pageValues > 0) {
        int sizeBefore = dictionarySize();
        if (assignIds()) {
          int bitWidth = bitWidth(dictionarySize());
          out.writeByte(bitWidth);
          Hybrid.encode(ids, 0, pageValues, bitWidth, out);
          // parquet-mr's rule: a dictionary that does not make the first page smaller is given up.
          if (dictionaryUsed || out.size() - valuesAt + dictionaryBytes() < pageBytes()) {
            encoding = Encoding.PLAIN_DICTIONARY;
            dictionaryUsed = true;
            dictionarySizeUsed = dictionarySize();
          } else {
            out.truncate(valuesAt);
            dictionaryGivenUp = true;
          }
        } else {
          truncateDictionary(sizeBefore);
          dictionaryGivenUp = true;
        }
      }
      if (encoding == Encoding.PLAIN) {
        writePlain(out);
      }
      Statistics<?> statistics = Statistics.createStats(descriptor.getPrimitiveType());
      updateStatistics(statistics);
      statistics.incrementNumNulls(pageRows - pageValues);
      byte[] compressed = pages.compressor().compress(out.bytes()).toByteArray();
      finished.add(new Page(compressed, out.size(), pageRows, statistics, encoding));
      finishedBytes += compressed.length;
      chunkRows += pageRows;
      clearPage();
      pageRows = 0;
      pageValues = 0;
    }

    /** Version 1 data pages: the levels' byte length, then the levels (1 for a value, 0 for a null). */
    private void writeDefinitionLevels(PageBuffer out) {
      int lengthAt = out.size();
      out.writeIntLE(0);
      int[] levels = new int[pageRows];
      for (int r = 0; r < pageRows; r++) {
        levels[r] = present[r] ? 1 : 0;
      }
      Hybrid.encode(levels, 0, levels.length, 1, out);
      out.putIntLE(lengthAt, out.size() - lengthAt - 4);
    }

    final void writeChunk(ParquetFileWriter file) throws IOException {
      endPage();
      file.startColumn(descriptor, chunkRows, CompressionCodecName.SNAPPY);
      if (dictionaryUsed) {
        PageBuffer out = pages.buffer();
        out.reset();
        writeDictionary(dictionarySizeUsed, out);
        file.writeDictionaryPage(new DictionaryPage(pages.compressor().compress(out.bytes()), out.size(), dictionarySizeUsed, Encoding.PLAIN_DICTIONARY));
      }
      for (Page page : finished) {
        file.writeDataPage(page.rows(), page.uncompressedSize(), BytesInput.from(page.bytes()), page.statistics(), page.rows(),
            Encoding.BIT_PACKED, optional ? Encoding.RLE : Encoding.BIT_PACKED, page.encoding());
      }
      file.endColumn();
      finished.clear();
      finishedBytes = 0;
      chunkRows = 0;
      clearDictionary();
      dictionaryUsed = false;
      dictionaryGivenUp = false;
      dictionarySizeUsed = 0;
    }

    private static int bitWidth(int dictionarySize) {
      return dictionarySize <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(dictionarySize - 1);
    }
  }

  /** INT32, INT64, timestamp-millis, FLOAT and DOUBLE: each value kept as its bits in a long. */
  private static final class FixedWidthColumn extends Column {
    private final Schema.TypeName type;
    private final int width;
    private final long[] bits = new long[PAGE_ROWS];
    private final BitsIndex dictionary = new BitsIndex();

    FixedWidthColumn(Schema.TypeName type, ColumnDescriptor descriptor, Pages pages) {
      super(descriptor, pages);
      this.type = type;
      this.width = type == Schema.TypeName.INT32 || type == Schema.TypeName.FLOAT ? 4 : 8;
    }

    @Override
    void append(Object value) {
      bits[pageValues] = switch (type) {
        case INT64 -> (Long) value;
        case DATETIME -> ((ReadableInstant) value).getMillis();
        case INT32 -> (Integer) value;
        case DOUBLE -> Double.doubleToRawLongBits((Double) value);
        case FLOAT -> Float.floatToRawIntBits((Float) value);
        default -> throw new IllegalStateException(type.toString());
      };
    }

    @Override
    long pageBytes() {
      return (long) pageValues * width;
    }

    @Override
    boolean assignIds() {
      int most = DICTIONARY_BYTES / width;
      for (int v = 0; v < pageValues; v++) {
        int id = dictionary.idOf(bits[v]);
        if (id == most) {
          return false;
        }
        ids[v] = id;
      }
      return true;
    }

    @Override
    int dictionarySize() {
      return dictionary.size;
    }

    @Override
    long dictionaryBytes() {
      return (long) dictionary.size * width;
    }

    @Override
    void truncateDictionary(int size) {
      dictionary.size = size;
    }

    @Override
    void writeDictionary(int size, PageBuffer out) {
      for (int i = 0; i < size; i++) {
        writeValue(dictionary.entries[i], out);
      }
    }

    @Override
    void clearDictionary() {
      dictionary.clear();
    }

    @Override
    void writePlain(PageBuffer out) {
      for (int v = 0; v < pageValues; v++) {
        writeValue(bits[v], out);
      }
    }

    private void writeValue(long value, PageBuffer out) {
      if (width == 8) {
        out.writeLongLE(value);
      } else {
        out.writeIntLE((int) value);
      }
    }

    @Override
    void updateStatistics(Statistics<?> statistics) {
      switch (type) {
        case INT64, DATETIME -> {
          LongStatistics s = (LongStatistics) statistics;
          for (int v = 0; v < pageValues; v++) {
            s.updateStats(bits[v]);
          }
        }
        case INT32 -> {
          IntStatistics s = (IntStatistics) statistics;
          for (int v = 0; v < pageValues; v++) {
            s.updateStats((int) bits[v]);
          }
        }
        case DOUBLE -> {
          DoubleStatistics s = (DoubleStatistics) statistics;
          for (int v = 0; v < pageValues; v++) {
            s.updateStats(Double.longBitsToDouble(bits[v]));
          }
        }
        case FLOAT -> {
          FloatStatistics s = (FloatStatistics) statistics;
          for (int v = 0; v < pageValues; v++) {
            s.updateStats(Float.intBitsToFloat((int) bits[v]));
          }
        }
        default -> throw new IllegalStateException(type.toString());
      }
    }
  }

  /**
   * A dictionary of values' bits: the entries in the order first seen, and open addressing from
   * bits to id, grown at half full. After a truncation ids at or past the size are not looked up
   * again: the chunk's dictionary is given up then.
   */
  private static final class BitsIndex {
    long[] entries = new long[256];
    int size;
    private long[] keys = new long[512];
    private int[] slotIds = emptySlots(512);
    private int shift = 64 - 9;

    private static int[] emptySlots(int slots) {
      int[] ids = new int[slots];
      Arrays.fill(ids, -1);
      return ids;
    }

    /** The value's id; a new value gets the next one. */
    int idOf(long key) {
      int slot = slot(key);
      if (slotIds[slot] >= 0) {
        return slotIds[slot];
      }
      if (2 * (size + 1) > keys.length) {
        grow();
        slot = slot(key);
      }
      if (size == entries.length) {
        entries = Arrays.copyOf(entries, size * 2);
      }
      keys[slot] = key;
      slotIds[slot] = size;
      entries[size] = key;
      return size++;
    }

    void clear() {
      // Every slot, whatever the size: a truncation leaves ids at or past it in their slots.
      Arrays.fill(slotIds, -1);
      size = 0;
    }

    private int slot(long key) {
      int mask = keys.length - 1;
      int slot = (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
      while (slotIds[slot] >= 0 && keys[slot] != key) {
        slot = (slot + 1) & mask;
      }
      return slot;
    }

    private void grow() {
      long[] oldKeys = keys;
      int[] oldIds = slotIds;
      keys = new long[oldKeys.length * 2];
      slotIds = emptySlots(keys.length);
      shift--;
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldIds[i] >= 0) {
          int slot = slot(oldKeys[i]);
          keys[slot] = oldKeys[i];
          slotIds[slot] = oldIds[i];
        }
      }
    }
  }

  /** UTF-8 strings (BYTE_ARRAY): PLAIN is each value's length, then its bytes. */
  private static final class StringColumn extends Column {
    private final byte[][] strings = new byte[PAGE_ROWS][];
    private long pageBytes;
    private final Map<Binary, Integer> idOf = new HashMap<>();
    private final List<byte[]> entries = new ArrayList<>();
    private long dictionaryBytes;

    StringColumn(ColumnDescriptor descriptor, Pages pages) {
      super(descriptor, pages);
    }

    @Override
    void append(Object value) {
      byte[] utf8 = ((String) value).getBytes(StandardCharsets.UTF_8);
      strings[pageValues] = utf8;
      pageBytes += 4 + utf8.length;
    }

    @Override
    boolean pageFull() {
      return pageBytes >= PAGE_BYTES;
    }

    @Override
    long pageBytes() {
      return pageBytes;
    }

    @Override
    boolean assignIds() {
      for (int v = 0; v < pageValues; v++) {
        Binary key = Binary.fromConstantByteArray(strings[v]);
        Integer id = idOf.get(key);
        if (id == null) {
          if (dictionaryBytes + 4 + strings[v].length > DICTIONARY_BYTES) {
            return false;
          }
          id = entries.size();
          idOf.put(key, id);
          entries.add(strings[v]);
          dictionaryBytes += 4 + strings[v].length;
        }
        ids[v] = id;
      }
      return true;
    }

    @Override
    int dictionarySize() {
      return entries.size();
    }

    @Override
    long dictionaryBytes() {
      return dictionaryBytes;
    }

    @Override
    void truncateDictionary(int size) {
      while (entries.size() > size) {
        byte[] last = entries.remove(entries.size() - 1);
        idOf.remove(Binary.fromConstantByteArray(last));
        dictionaryBytes -= 4 + last.length;
      }
    }

    @Override
    void writeDictionary(int size, PageBuffer out) {
      for (int i = 0; i < size; i++) {
        out.writeIntLE(entries.get(i).length);
        out.write(entries.get(i));
      }
    }

    @Override
    void clearDictionary() {
      idOf.clear();
      entries.clear();
      dictionaryBytes = 0;
    }

    @Override
    void writePlain(PageBuffer out) {
      for (int v = 0; v < pageValues; v++) {
        out.writeIntLE(strings[v].length);
        out.write(strings[v]);
      }
    }

    @Override
    void updateStatistics(Statistics<?> statistics) {
      BinaryStatistics s = (BinaryStatistics) statistics;
      for (int v = 0; v < pageValues; v++) {
        s.updateStats(Binary.fromConstantByteArray(strings[v]));
      }
    }

    @Override
    void clearPage() {
      Arrays.fill(strings, 0, pageValues, null);
      pageBytes = 0;
    }
  }

  /** BOOLEAN: PLAIN is one bit a value, the first value in the lowest bit; never a dictionary. */
  private static final class BooleanColumn extends Column {
    private final boolean[] flags = new boolean[PAGE_ROWS];

    BooleanColumn(ColumnDescriptor descriptor, Pages pages) {
      super(descriptor, pages);
    }

    @Override
    void append(Object value) {
      flags[pageValues] = (Boolean) value;
    }

    @Override
    long pageBytes() {
      return pageValues / 8;
    }

    @Override
    void writePlain(PageBuffer out) {
      for (int v = 0; v < pageValues; v += 8) {
        int b = 0;
        for (int i = 0; i < 8 && v + i < pageValues; i++) {
          b |= (flags[v + i] ? 1 : 0) << i;
        }
        out.writeByte(b);
      }
    }

    @Override
    void updateStatistics(Statistics<?> statistics) {
      BooleanStatistics s = (BooleanStatistics) statistics;
      for (int v = 0; v < pageValues; v++) {
        s.updateStats(flags[v]);
      }
    }
  }

  /**
   * Parquet's RLE/bit-packed hybrid: a run of 8 or more equal values is one RLE run (its count,
   * then the value); other values go in groups of 8, bit-packed with the lowest bit first (the
   * last group padded with zeros).
   */
  static final class Hybrid {
    // parquet-mr's own encoder writes at most 63 groups a run (a one-byte header); readers take more, but keep to it.
    private static final int MOST_VALUES_PACKED_PER_RUN = 63 * 8;

    private Hybrid() {}

    static void encode(int[] values, int from, int to, int bitWidth, PageBuffer out) {
      int packedFrom = from;
      int i = from;
      while (i < to) {
        int runEnd = i + 1;
        while (runEnd < to && values[runEnd] == values[i]) {
          runEnd++;
        }
        // Pending packed values must be whole groups of 8 before an RLE run: the run lends the rest.
        int lent = (8 - (i - packedFrom) % 8) % 8;
        if (runEnd - i - lent >= 8) {
          int runStart = i + lent;
          writePacked(values, packedFrom, runStart, bitWidth, out);
          out.writeUnsignedVarInt((runEnd - runStart) << 1);
          for (int b = 0; b < (bitWidth + 7) / 8; b++) {
            out.writeByte(values[i] >>> (8 * b));
          }
          packedFrom = runEnd;
        }
        i = runEnd;
      }
      writePacked(values, packedFrom, to, bitWidth, out);
    }

    private static void writePacked(int[] values, int from, int to, int bitWidth, PageBuffer out) {
      for (int runFrom = from; runFrom < to; runFrom += MOST_VALUES_PACKED_PER_RUN) {
        int runTo = Math.min(to, runFrom + MOST_VALUES_PACKED_PER_RUN);
        int groups = (runTo - runFrom + 7) / 8;
        out.writeUnsignedVarInt(groups << 1 | 1);
        long buffer = 0;
        int buffered = 0;
        for (int v = runFrom; v < runFrom + groups * 8; v++) {
          buffer |= (long) (v < runTo ? values[v] : 0) << buffered;
          buffered += bitWidth;
          while (buffered >= 8) {
            out.writeByte((int) buffer);
            buffer >>>= 8;
            buffered -= 8;
          }
        }
      }
    }
  }

  /** A page's bytes, little-endian, in one array reused from page to page. */
  static final class PageBuffer {
    private byte[] bytes = new byte[64 * 1024];
    private int size;

    void reset() {
      size = 0;
    }

    void truncate(int newSize) {
      size = newSize;
    }

    int size() {
      return size;
    }

    BytesInput bytes() {
      return BytesInput.from(bytes, 0, size);
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }

    void writeByte(int b) {
      ensure(1);
      bytes[size++] = (byte) b;
    }

    void write(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, bytes, size, b.length);
      size += b.length;
    }

    void writeIntLE(int v) {
      ensure(4);
      putIntLE(size, v);
      size += 4;
    }

    void putIntLE(int at, int v) {
      bytes[at] = (byte) v;
      bytes[at + 1] = (byte) (v >>> 8);
      bytes[at + 2] = (byte) (v >>> 16);
      bytes[at + 3] = (byte) (v >>> 24);
    }

    void writeLongLE(long v) {
      ensure(8);
      for (int i = 0; i < 8; i++) {
        bytes[size++] = (byte) (v >>> (8 * i));
      }
    }

    void writeUnsignedVarInt(int v) {
      while ((v & ~0x7F) != 0) {
        writeByte((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      writeByte(v);
    }
  }
}

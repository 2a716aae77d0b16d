package dev.beametl.transforms.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;

/**
 * The bytes of a file on any Beam file system (local, S3), from any offset: uncompressed files
 * are opened at the offset (a seek, or a ranged GET on S3); compressed ones are decompressed and
 * the bytes before the offset skipped, so they are read whole rather than in ranges.
 */
public record FileByteSource(String file) implements CsvFileReader.ByteSource, Serializable {
  public static FileByteSource of(String file) {
    return new FileByteSource(file);
  }

  /** Whether ranges of this file can be read without reading what comes before them. */
  public boolean seekable() {
    return Compression.detect(file) == Compression.UNCOMPRESSED;
  }

  @Override
  public InputStream openAt(long offset) throws IOException {
    Compression compression = Compression.detect(file);
    ReadableByteChannel channel = FileSystems.open(FileSystems.matchNewResource(file, false));
    if (compression == Compression.UNCOMPRESSED && channel instanceof SeekableByteChannel seekable) {
      // S3's channel refuses a position at (or past) the end, e.g. the rest of a range checkpointed after its last record.
      if (offset >= seekable.size()) {
        seekable.close();
        return InputStream.nullInputStream();
      }
      seekable.position(offset);
      return Channels.newInputStream(seekable);
    }
    InputStream in = Channels.newInputStream(compression.readDecompressed(channel));
    in.skipNBytes(offset);
    return in;
  }

  @Override
  public String toString() {
    return file;
  }
}

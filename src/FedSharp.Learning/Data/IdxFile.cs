using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics.Tensors;

namespace FedSharp.Learning.Data;

/// <summary>
/// Reads the IDX files of MNIST and Fashion-MNIST: idx3 unsigned-byte images and idx1 unsigned-byte labels,
/// big-endian headers, raw or gzip-compressed (detected by the gzip magic bytes, not by the file name).
/// Pixels become float32 in [0, 1] by dividing by 255, as torchvision's <c>ToTensor()</c> does in NIID-Bench;
/// no mean/std normalisation.
/// </summary>
public static class IdxFile
{
    /// <summary>Magic number of an idx3 unsigned-byte image file (type 0x08, three dimensions).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an idx1 unsigned-byte label file (type 0x08, one dimension).</summary>
    public const int LabelsMagic = 0x00000801;

    private const int CopyBufferBytes = 1 << 16;

    // Dividing (not multiplying by 1/255) matches ToTensor() bit for bit.
    private static readonly float[] s_pixelScale = CreatePixelScale();

    /// <summary>
    /// Loads an image file and its label file into one data set of samples shaped [1, rows, cols].
    /// </summary>
    /// <param name="imagesPath">The idx3 image file, raw or gzip.</param>
    /// <param name="labelsPath">The idx1 label file, raw or gzip.</param>
    /// <param name="classCount">Number of classes; every label must lie in [0, classCount). Default 10.</param>
    /// <exception cref="DatasetFormatException">A file is missing, truncated, has the wrong magic number, the
    /// counts of images and labels differ, or a label is out of range.</exception>
    public static LabeledDataset Load(string imagesPath, string labelsPath, int classCount = 10)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);

        IdxImages images = ReadImages(imagesPath);
        byte[] labelBytes = ReadLabels(labelsPath);
        if (labelBytes.Length != images.Count)
        {
            throw new DatasetFormatException(
                $"'{imagesPath}' holds {images.Count} images but '{labelsPath}' holds {labelBytes.Length} labels; the two files must come from the same split (e.g. train-images with train-labels, t10k-images with t10k-labels).",
                labelsPath,
                null);
        }

        var labels = new int[labelBytes.Length];
        for (int i = 0; i < labelBytes.Length; i++)
        {
            int label = labelBytes[i];
            if (label >= classCount)
            {
                throw new DatasetFormatException(
                    $"Label {label} of sample {i} in '{labelsPath}' is outside [0, {classCount}); the file is corrupted or belongs to a data set with more classes (pass its class count).",
                    labelsPath,
                    null);
            }

            labels[i] = label;
        }

        float[] features = GC.AllocateUninitializedArray<float>(images.Pixels.Length);
        ScalePixels(images.Pixels, features);
        return new LabeledDataset(features, labels, [1, images.Rows, images.Columns], classCount);
    }

    /// <summary>Reads an idx3 unsigned-byte image file: the header and the raw pixel bytes, sample-major.</summary>
    internal static IdxImages ReadImages(string path)
    {
        using Stream stream = Open(path);
        Span<byte> header = stackalloc byte[16];
        int magic = ReadHeader(stream, path, header, "image", out int headerRead);
        if (magic != ImagesMagic)
        {
            throw WrongMagic(path, magic, ImagesMagic, "image (idx3)", magic == LabelsMagic ? " It looks like a label file; pass the *-images-idx3-ubyte file." : "");
        }

        if (headerRead < header.Length)
        {
            throw HeaderTruncated(path, header.Length, headerRead, "image");
        }

        int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        int rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        int columns = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        long size = (long)count * rows * columns;
        if (count < 0 || rows <= 0 || columns <= 0 || size > Array.MaxLength)
        {
            throw new DatasetFormatException(
                $"'{path}' declares {count} images of {rows}×{columns} pixels, which is not a valid IDX image header; the file is corrupted, download it again.",
                path,
                null);
        }

        byte[] pixels = ReadBody(stream, path, (int)size, $"{count} images of {rows}×{columns} pixels");
        return new IdxImages(pixels, count, rows, columns);
    }

    /// <summary>Reads an idx1 unsigned-byte label file: one byte per sample.</summary>
    internal static byte[] ReadLabels(string path)
    {
        using Stream stream = Open(path);
        Span<byte> header = stackalloc byte[8];
        int magic = ReadHeader(stream, path, header, "label", out int headerRead);
        if (magic != LabelsMagic)
        {
            throw WrongMagic(path, magic, LabelsMagic, "label (idx1)", magic == ImagesMagic ? " It looks like an image file; pass the *-labels-idx1-ubyte file." : "");
        }

        if (headerRead < header.Length)
        {
            throw HeaderTruncated(path, header.Length, headerRead, "label");
        }

        int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (count < 0 || count > Array.MaxLength)
        {
            throw new DatasetFormatException(
                $"'{path}' declares {count} labels, which is not a valid IDX label header; the file is corrupted, download it again.",
                path,
                null);
        }

        return ReadBody(stream, path, count, $"{count} labels");
    }

    /// <summary>Scales raw pixel bytes to [0, 1]: <c>destination[i] = source[i] / 255</c>.</summary>
    internal static void ScalePixels(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values but the source has {source.Length} pixels.", nameof(destination));
        }

        // Widening and dividing with TensorPrimitives is vectorised even in Debug builds of this assembly;
        // IEEE division by 255 gives the same float as the scalar i / 255f of ScalePixelsScalar.
        TensorPrimitives.ConvertChecked(source, destination);
        TensorPrimitives.Divide(destination, 255f, destination);
    }

    /// <summary>The scalar twin of <see cref="ScalePixels"/>, the test oracle: a 256-entry lookup table.</summary>
    internal static void ScalePixelsScalar(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values but the source has {source.Length} pixels.", nameof(destination));
        }

        ReadOnlySpan<float> scale = s_pixelScale;
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = scale[source[i]];
        }
    }

    private static float[] CreatePixelScale()
    {
        var scale = new float[256];
        for (int i = 0; i < scale.Length; i++)
        {
            scale[i] = i / 255f;
        }

        return scale;
    }

    private static Stream Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetFormatException(
                $"The IDX file '{path}' does not exist; check the data directory, or install the Debian package dataset-fashion-mnist, or set FEDSHARP_DATA to a folder holding the four IDX files.",
                path,
                null);
        }

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferBytes);
        }
        catch (IOException ex)
        {
            throw new DatasetFormatException($"The IDX file '{path}' could not be opened ({ex.Message}); check its permissions.", path, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new DatasetFormatException($"The IDX file '{path}' could not be opened ({ex.Message}); check its permissions.", path, ex);
        }

        Span<byte> head = stackalloc byte[2];
        int read = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        file.Position = 0;
        bool gzip = read == 2 && head[0] == 0x1f && head[1] == 0x8b;
        return gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false) : file;
    }

    // The magic is checked before the header length so that a wrong file shorter than a header (e.g. a tiny label
    // file passed as images) is reported as the wrong file, not as a truncated one.
    private static int ReadHeader(Stream stream, string path, Span<byte> header, string kind, out int read)
    {
        read = ReadFully(stream, path, header);
        if (read < 4)
        {
            throw HeaderTruncated(path, header.Length, read, kind);
        }

        return BinaryPrimitives.ReadInt32BigEndian(header);
    }

    private static DatasetFormatException HeaderTruncated(string path, int headerLength, int read, string kind) =>
        new(
            $"'{path}' is truncated: an IDX {kind} file needs a {headerLength}-byte header but only {read} bytes are there; download the file again.",
            path,
            null);

    private static byte[] ReadBody(Stream stream, string path, int length, string declared)
    {
        // A corrupt header can declare gigabytes; refuse before allocating when the file cannot hold that many bytes.
        // Deflate expands at most 1032:1, which bounds a gzip file's content by its compressed size.
        long capacity = stream is GZipStream gzip
            ? gzip.BaseStream.Length * 1032
            : stream.Length - stream.Position;
        if (length > capacity)
        {
            throw new DatasetFormatException(
                $"'{path}' is truncated: its header declares {declared} ({length} bytes) but the file can hold at most {capacity} bytes; download the file again.",
                path,
                null);
        }

        byte[] body = GC.AllocateUninitializedArray<byte>(length);
        int read = ReadFully(stream, path, body);
        if (read < length)
        {
            throw new DatasetFormatException(
                $"'{path}' is truncated: its header declares {declared} ({length} bytes) but only {read} bytes follow; download the file again.",
                path,
                null);
        }

        Span<byte> probe = stackalloc byte[1];
        if (ReadFully(stream, path, probe) != 0)
        {
            throw new DatasetFormatException(
                $"'{path}' has bytes after the {declared} its header declares; the header count is wrong or two files were concatenated, download the file again.",
                path,
                null);
        }

        return body;
    }

    private static int ReadFully(Stream stream, string path, Span<byte> destination)
    {
        try
        {
            return stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException ex)
        {
            throw new DatasetFormatException(
                $"'{path}' starts like a gzip file but its compressed stream is damaged or truncated ({ex.Message}); download the file again.",
                path,
                ex);
        }
    }

    private static DatasetFormatException WrongMagic(string path, int actual, int expected, string kind, string hint) =>
        new(
            $"'{path}' starts with magic number 0x{actual:X8} but an IDX {kind} file starts with 0x{expected:X8}.{hint} If the file is right, it is corrupted; download it again.",
            path,
            null);
}

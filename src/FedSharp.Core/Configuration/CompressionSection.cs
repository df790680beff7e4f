using FedSharp.Core.Protocol;

namespace FedSharp.Core.Configuration;

/// <summary>The <c>compression</c> section: device-server traffic compression.</summary>
public sealed class CompressionSection
{
    /// <summary><c>compression.upload_compress_type</c>: NO_COMPRESS or DIFF_SPARSE_QUANT. Default NO_COMPRESS.</summary>
    public CompressType UploadCompressType { get; set; } = CompressType.NoCompress;

    /// <summary><c>compression.upload_sparse_rate</c>: fraction of values kept by DIFF_SPARSE_QUANT, in (0, 1]. Default 0.4.</summary>
    public double UploadSparseRate { get; set; } = 0.4;

    /// <summary><c>compression.download_compress_type</c>: NO_COMPRESS or QUANT. Default NO_COMPRESS.</summary>
    public CompressType DownloadCompressType { get; set; } = CompressType.NoCompress;
}

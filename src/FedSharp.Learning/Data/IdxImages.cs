namespace FedSharp.Learning.Data;

/// <summary>The decoded body of an idx3 image file: raw pixel bytes, sample-major, and the header's dimensions.</summary>
internal readonly record struct IdxImages(byte[] Pixels, int Count, int Rows, int Columns);

namespace FedSharp.Server.Rounds;

/// <summary>Tensor payload bytes moved during one iteration by this server; updated from many request threads.</summary>
internal sealed class IterationTraffic
{
    private long _bytesIn;
    private long _bytesOut;

    public long BytesIn => Interlocked.Read(ref _bytesIn);

    public long BytesOut => Interlocked.Read(ref _bytesOut);

    public void AddIn(long bytes) => Interlocked.Add(ref _bytesIn, bytes);

    public void AddOut(long bytes) => Interlocked.Add(ref _bytesOut, bytes);
}

namespace FedSharp.Client.Tests;

/// <summary>Runs the handler on the reporting thread, unlike <see cref="Progress{T}"/>, so tests see reports in order.</summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}

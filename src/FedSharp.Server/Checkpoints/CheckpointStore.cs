using System.Globalization;
using FedSharp.Core.Models;

namespace FedSharp.Server.Checkpoints;

/// <summary>
/// Global models on disk as <c>&lt;root&gt;/&lt;fl_name&gt;/iteration-&lt;n&gt;.ckpt</c>: written atomically (temporary
/// file, flushed, then renamed over the final name), pruned to the newest few, and read back newest-first on resume,
/// skipping (and reporting) files that are truncated or corrupt. When built with a strategy-state source, each file also
/// holds the strategy's state as of its model (see <see cref="Strategies.IStatefulStrategy"/>).
/// </summary>
public sealed class CheckpointStore
{
    private const string Prefix = "iteration-";
    private const string Extension = ".ckpt";
    private readonly int _keepCount;
    private readonly TimeProvider _time;
    private readonly Func<int, ModelParameters?>? _strategyState;

    /// <summary>Creates a store under <c><paramref name="rootDirectory"/>/<paramref name="flName"/></c>; the directory is created by <see cref="EnsureDirectory"/> or on first write.</summary>
    /// <param name="rootDirectory">Directory holding one subdirectory per job.</param>
    /// <param name="flName">The job name (MindSpore's <c>fl_name</c>); a single path segment.</param>
    /// <param name="keepCount">Newest checkpoints kept after each write; 1 or more.</param>
    /// <param name="time">Clock for the creation time recorded in each file.</param>
    /// <param name="strategyState">Gives the strategy's state as of the model of an iteration, written into that
    /// iteration's file; null (or a null result) writes the model alone.</param>
    public CheckpointStore(string rootDirectory, string flName, int keepCount, TimeProvider time, Func<int, ModelParameters?>? strategyState = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(flName);
        ArgumentNullException.ThrowIfNull(time);
        if (flName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || flName is "." or "..")
        {
            throw new ArgumentException($"fl_name '{flName}' cannot be used as a directory name; use letters, digits, '-' or '_'.", nameof(flName));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(keepCount, 1);
        Directory = Path.Combine(rootDirectory, flName);
        _keepCount = keepCount;
        _time = time;
        _strategyState = strategyState;
    }

    /// <summary>The job's checkpoint directory.</summary>
    public string Directory { get; }

    /// <summary>The path the checkpoint of <paramref name="iteration"/> is written to.</summary>
    public string PathFor(int iteration) => Path.Combine(Directory, Prefix + iteration.ToString(CultureInfo.InvariantCulture) + Extension);

    /// <summary>Writes the model of <paramref name="iteration"/> atomically, then deletes all but the newest checkpoints.</summary>
    /// <returns>The checkpoint's path.</returns>
    /// <exception cref="IOException">The directory is not writable or the disk is full; the message names the file.</exception>
    public string Write(int iteration, ModelParameters parameters)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(iteration);
        ArgumentNullException.ThrowIfNull(parameters);
        string path = PathFor(iteration);
        string temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                CheckpointFormat.Write(stream, iteration, _time.GetUtcNow(), parameters, _strategyState?.Invoke(iteration));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new IOException($"Writing the checkpoint of iteration {iteration} to '{path}' failed; check that '{Directory}' is writable and the disk has room.", ex);
        }

        Prune();
        return path;
    }

    /// <summary>
    /// Creates the job's checkpoint folder if it is missing and lists it once, so a folder that cannot be created or
    /// read stops the server at start-up instead of failing its first valid iteration.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be created or read; the message names it and the fix.</exception>
    public void EnsureDirectory()
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            _ = System.IO.Directory.EnumerateFileSystemEntries(Directory).Any();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"The checkpoint folder '{Directory}' cannot be created or read ({ex.Message}); set fedsharp.checkpoint_dir to a folder this user can read and write.", ex);
        }
    }

    /// <summary>Checkpoint files present, newest iteration first.</summary>
    public IReadOnlyList<string> ListFiles()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        return [.. System.IO.Directory.EnumerateFiles(Directory, Prefix + "*" + Extension)
            .Select(path => (Path: path, Iteration: ParseIteration(path)))
            .Where(entry => entry.Iteration >= 0)
            .OrderByDescending(entry => entry.Iteration)
            .Select(entry => entry.Path)];
    }

    /// <summary>
    /// The newest checkpoint that reads back intact; every newer file that does not is listed with its fault so an
    /// operator can see what was skipped.
    /// </summary>
    public CheckpointRecovery LoadNewest()
    {
        var faults = new List<CheckpointFault>();
        foreach (string path in ListFiles())
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                faults.Add(new CheckpointFault(path, $"unreadable: {ex.Message}"));
                continue;
            }

            var read = CheckpointFormat.TryRead(bytes, out string fault);
            if (read is not { } checkpoint)
            {
                faults.Add(new CheckpointFault(path, fault));
                continue;
            }

            if (checkpoint.Iteration != ParseIteration(path))
            {
                faults.Add(new CheckpointFault(path, $"corrupt: the file name says iteration {ParseIteration(path)} but its header says {checkpoint.Iteration}"));
                continue;
            }

            return new CheckpointRecovery(new Checkpoint(checkpoint.Iteration, checkpoint.Parameters, path, checkpoint.CreatedAt, checkpoint.State), faults);
        }

        return new CheckpointRecovery(null, faults);
    }

    private void Prune()
    {
        foreach (string stale in ListFiles().Skip(_keepCount))
        {
            TryDelete(stale);
        }
    }

    private static int ParseIteration(string path)
    {
        string name = Path.GetFileName(path);
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || !name.EndsWith(Extension, StringComparison.Ordinal))
        {
            return -1;
        }

        ReadOnlySpan<char> digits = name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Extension.Length);
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int iteration) ? iteration : -1;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Pruning is housekeeping: a file that cannot be deleted now is retried after the next write.
        }
    }
}

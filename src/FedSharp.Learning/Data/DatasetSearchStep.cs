namespace FedSharp.Learning.Data;

/// <summary>One place <see cref="DatasetLocator"/> considered and what it found there.</summary>
/// <param name="Source">Which rule of the search order produced this place.</param>
/// <param name="Directory">The directory checked, or <see langword="null"/> when the rule gave none (e.g. an unset environment variable).</param>
/// <param name="Outcome">What was found, in words, e.g. "missing train-labels-idx1-ubyte.gz".</param>
/// <param name="Found">Whether all four IDX files are there.</param>
public sealed record DatasetSearchStep(DatasetSource Source, string? Directory, string Outcome, bool Found);

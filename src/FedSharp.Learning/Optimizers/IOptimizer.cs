namespace FedSharp.Learning.Optimizers;

/// <summary>Updates a fixed set of parameters from the gradients the last backward pass wrote.</summary>
public interface IOptimizer
{
    /// <summary>Applies one update to every parameter. Allocates nothing.</summary>
    void Step();

    /// <summary>Forgets all state (momentum, moments, step count), as a freshly constructed optimizer.</summary>
    void Reset();
}

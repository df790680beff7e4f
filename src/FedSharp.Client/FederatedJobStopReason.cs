namespace FedSharp.Client;

/// <summary>Why <see cref="FederatedJob.RunAsync"/> returned.</summary>
public enum FederatedJobStopReason
{
    /// <summary>The client took part in <see cref="FederatedJobOptions.MaxIterations"/> iterations.</summary>
    IterationLimitReached,

    /// <summary>The last iteration of the server's plan (<c>FLPlan.iterations</c>) was decided.</summary>
    PlanCompleted,

    /// <summary>The server said the instance had finished before this client's plan was done.</summary>
    InstanceFinished,

    /// <summary><see cref="FederatedJobOptions.MaxRunTime"/> ran out.</summary>
    DeadlineReached,
}

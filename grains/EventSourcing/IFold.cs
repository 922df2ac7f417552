using Collaboration.Events;

namespace Collaboration.EventSourcing;

/// <summary>
/// A grain state that is a pure fold of its stream: the same events in any order give the same state, so a grain
/// can always be rebuilt from the journal. Snapshots are only a cache of the fold.
/// </summary>
public interface IFold<TSelf> where TSelf : IFold<TSelf>
{
    void Apply(IStreamEvent streamEvent);

    byte[] ToSnapshot();

    /// <summary>A few named values (counts, owner) that tell an operator what a rebuild changed; same state, same values.</summary>
    IEnumerable<(string Name, string Value)> Summarize();

    static abstract TSelf FromSnapshot(byte[] data);
}

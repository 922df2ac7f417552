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

    /// <summary>
    /// Makes <paramref name="fresh"/> forget what this state has forgotten (a fold may drop what no read can need any
    /// more), so that a rebuild compares like with like. Nothing for a fold that forgets nothing.
    /// </summary>
    void CarryHorizonTo(TSelf fresh)
    {
    }
}

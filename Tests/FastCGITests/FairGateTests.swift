import Foundation
import Synchronization
import Testing
@testable import FastCGI

@Suite("The response gate admits waiting requests strictly in arrival order")
struct FairGateTests {
    func waitUntil(_ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(10)
        while !condition(), Date() < deadline { usleep(500) }
    }

    @Test("a freed slot goes to the oldest waiter, never to a later arrival")
    func arrivalOrder() {
        let slots = 1
        let gate = FairGate(slots: slots)
        let holders = (0..<slots).map { _ in FairGate.Waiter() }
        holders.forEach { gate.enter($0) } // every slot taken
        let admitted = Mutex<[Int]>([])
        let done = DispatchGroup()
        let waiters = 70 // more than the queue's first capacity, so it grows with waiters in it
        for index in 0..<waiters {
            done.enter()
            Thread.detachNewThread {
                let turn = FairGate.Waiter()
                gate.enter(turn)
                admitted.withLock { $0.append(index) }
                gate.leave()
                done.leave()
            }
            waitUntil { gate.waitingCount == index + 1 }
        }
        #expect(gate.waitingCount == waiters)
        for _ in 0..<slots { gate.leave() }
        done.wait()
        let order = admitted.withLock { $0 }
        #expect(order == Array(0..<waiters))
        #expect(gate.waitingCount == 0)
    }

    @Test("with a free slot, entering does not wait; slots come back when left")
    func freeSlots() {
        let gate = FairGate(slots: 2)
        let a = FairGate.Waiter(), b = FairGate.Waiter()
        gate.enter(a)
        gate.enter(b)
        gate.leave()
        gate.leave()
        gate.enter(a)
        gate.enter(b)
        #expect(gate.waitingCount == 0)
    }
}

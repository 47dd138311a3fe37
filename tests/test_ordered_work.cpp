// OrderedWork (lib/util/ordered_work.hpp): results delivered in push order on the
// caller's thread, whatever order the workers finish in; a worker's exception
// rethrown at its item's turn, after every earlier item; inline below the
// start threshold.
#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "util/ordered_work.hpp"

using cassette::OrderedWork;

namespace {

using Work = OrderedWork<int, int>;

Work::Options threaded(size_t threads = 3) {
    Work::Options o;
    o.threads = threads;
    o.start_after = 0;
    o.batch_items = 3;  // many small batches: the ordering is what is tested
    return o;
}

// Later items finish first: item k sleeps (k % 5) × 100 µs.
int slow_square(const int& k) {
    std::this_thread::sleep_for(std::chrono::microseconds(100 * (4 - k % 5)));
    return k * k;
}

}  // namespace

TEST_CASE("ordered work: results come back in push order, on the caller's thread", "[ordered_work]") {
    const auto caller = std::this_thread::get_id();
    std::vector<int> got;
    bool all_on_caller = true;
    Work work(
        slow_square,
        [&](int&& in, int&& out) {
            all_on_caller = all_on_caller && std::this_thread::get_id() == caller;
            CHECK(out == in * in);
            got.push_back(in);
        },
        threaded());
    for (int k = 0; k < 500; ++k) work.push(int(k), 1);
    work.finish();
    REQUIRE(got.size() == 500);
    for (int k = 0; k < 500; ++k) CHECK(got[static_cast<size_t>(k)] == k);
    CHECK(all_on_caller);
}

TEST_CASE("ordered work: work runs on other threads once the threshold is passed", "[ordered_work]") {
    const auto caller = std::this_thread::get_id();
    std::vector<bool> on_caller;
    Work::Options o = threaded(2);
    o.start_after = 10;
    Work work([&](const int&) { return std::this_thread::get_id() == caller ? 1 : 0; },
              [&](int&&, int&& inline_run) { on_caller.push_back(inline_run == 1); }, o);
    for (int k = 0; k < 40; ++k) work.push(int(k), 1);
    work.finish();
    REQUIRE(on_caller.size() == 40);
    for (size_t k = 0; k < 9; ++k) CHECK(on_caller[k]);    // weight 1..9: below the threshold
    for (size_t k = 9; k < 40; ++k) CHECK(!on_caller[k]);  // the 10th starts the threads
}

TEST_CASE("ordered work: a worker's exception surfaces at its turn, after every earlier item", "[ordered_work]") {
    std::vector<int> got;
    Work work(
        [](const int& k) {
            if (k == 123) throw std::runtime_error("item 123");
            return slow_square(k);
        },
        [&](int&& in, int&&) { got.push_back(in); }, threaded());
    auto run = [&] {
        for (int k = 0; k < 400; ++k) work.push(int(k), 1);
        work.finish();
    };
    CHECK_THROWS_WITH(run(), "item 123");
    REQUIRE(got.size() == 123);
    for (int k = 0; k < 123; ++k) CHECK(got[static_cast<size_t>(k)] == k);
}

TEST_CASE("ordered work: without threads everything runs inline, in order", "[ordered_work]") {
    std::vector<int> got;
    Work::Options o = threaded(0);
    Work work([](const int& k) { return k + 1; }, [&](int&& in, int&& out) { got.push_back(out - in); }, o);
    for (int k = 0; k < 50; ++k) work.push(int(k), 1000);
    work.finish();
    CHECK(got == std::vector<int>(50, 1));
}

TEST_CASE("ordered work: dropped without finish() (an error upstream) joins its threads", "[ordered_work]") {
    size_t delivered = 0;
    {
        Work work(
            slow_square, [&](int&&, int&&) { ++delivered; }, threaded());
        for (int k = 0; k < 100; ++k) work.push(int(k), 1);
    }  // no finish(): what was in flight is dropped, the threads are joined
    CHECK(delivered <= 100);
}

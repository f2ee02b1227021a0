# SPDX-License-Identifier: Apache-2.0
#
# The registry with `_schemas` on a Kafka cluster (issue 5, docs/configuration.md): one cairnd acts
# as the Kafka broker (its Kafka listener on a free loopback port), and the whole REST suite of
# test_registry_api.py runs against registry instances whose store is that broker
# (kafkastore.bootstrap.servers, no listener of their own, no local log). Then checks, through the
# broker's own Kafka clients' view, that the registry's records really are on the broker.
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import Cairnd, Checks, Registered, cairnd_available, free_port, request  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    cairnd_available()
    c = Checks("test_registry_on_kafka")
    kport = free_port()
    broker = Cairnd(env={"CAIRN_CAIRN_KAFKA_LISTENERS": "127.0.0.1:%d" % kport})
    try:
        broker.start()
        env = dict(os.environ, CAIRN_TEST_KAFKASTORE="127.0.0.1:%d" % kport)
        suite = subprocess.run([sys.executable, os.path.join(HERE, "test_registry_api.py")],
                               env=env, timeout=600)
        c.eq("registry API suite on the Kafka backend", suite.returncode, 0)

        reg = Cairnd(env={"CAIRN_KAFKASTORE_BOOTSTRAP_SERVERS": "127.0.0.1:%d" % kport,
                          "CAIRN_KAFKASTORE_TOPIC": "_schemas_probe"})
        reg.start()
        c.eq("register on the Kafka backend",
             request(reg.url, "POST", "/subjects/probe/versions", {"schema": '"string"'}),
             (200, Registered(1)))
        reg.stop()
        c.eq("no local log without a listener", os.listdir(reg.data_dir), [])
        reg.start()
        c.eq("state comes back from the broker",
             request(reg.url, "GET", "/subjects/probe/versions"), (200, [1]))
        reg.cleanup()
        c.true("the topic is on the broker", "_schemas_probe-0" in os.listdir(broker.data_dir))
    except Exception as e:
        c.failed.append("exception: %r" % e)
        print("FAIL", e, "\n", broker.tail())
    finally:
        broker.cleanup()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())

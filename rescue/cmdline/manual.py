"""The manual: one text, printed by `ovs-rescue help` and turned into the
man page ovs-rescue.8 by build_man.py, so that neither can drift."""
import pkgutil
from collections import namedtuple

# name: as typed after `help`; title: one line; lines: the text of it
Topic = namedtuple("Topic", "name title lines")
MARK = "=== "


def parse_manual(text):
    """(preamble lines, [Topic]) from the manual's text: a preamble, then
    topics, each opened by a line `=== name: Title`."""
    preamble, topics = [], []
    for line in text.splitlines():
        if line.startswith(MARK):
            name, _, title = line[len(MARK):].partition(": ")
            topics.append(Topic(name, title, []))
        else:
            (topics[-1].lines if topics else preamble).append(line)
    return preamble, topics


def load_manual():
    text = pkgutil.get_data("rescue", "data/manual.txt").decode("utf-8")
    return parse_manual(text)


def index_text(preamble, topics):
    lines = list(preamble) + ["", "Topics (ovs-rescue help TOPIC, or "
                              "ovs-rescue help all):"]
    lines += ["  %-11s %s" % (topic.name, topic.title) for topic in topics]
    return "\n".join(lines)


def topic_text(topic):
    title = "%s (ovs-rescue help %s)" % (topic.title, topic.name)
    return "\n".join([title, "=" * len(title)] + topic.lines)


def help_text(name=None):
    """What `ovs-rescue help [name]` prints; UsageError for no such topic."""
    preamble, topics = load_manual()
    if name is None:
        return index_text(preamble, topics)
    if name == "all":
        return "\n\n".join([index_text(preamble, topics)]
                           + [topic_text(topic) for topic in topics])
    for topic in topics:
        if topic.name == name:
            return topic_text(topic)
    from rescue.errors import UsageError
    from rescue.cmdline.suggest import did_you_mean
    names = [topic.name for topic in topics]
    raise UsageError("no help topic %r%s (topics: %s, all)" % (
        name, did_you_mean(name, names), ", ".join(names)))

export default function page(host) {
  const { React, antd } = host;
  return function SampleNotes() {
    const [notes, setNotes] = React.useState([]);
    React.useEffect(() => {
      host.graphql("{ sampleNotes }").then((data) => setNotes(data.sampleNotes));
    }, []);
    return React.createElement(antd.List, { dataSource: notes, renderItem: (n) => n });
  };
}
